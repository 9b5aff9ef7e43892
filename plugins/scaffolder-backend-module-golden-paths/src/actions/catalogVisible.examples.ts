import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait until the published repository is in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'portal:catalog:visible',
          name: 'Show in the catalog',
          input: {
            repositoryName: '${{ steps.publish.output.repositoryName }}',
          },
        },
      ],
    }),
  },
];
