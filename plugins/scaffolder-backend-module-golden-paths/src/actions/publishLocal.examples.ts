import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Publish the generated service as a new local repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'portal:publish:local',
          name: 'Publish',
          input: {
            repoName: '${{ parameters.name }}',
            description: '${{ parameters.description }}',
          },
        },
      ],
    }),
  },
];
