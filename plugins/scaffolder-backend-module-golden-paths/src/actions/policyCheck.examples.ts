import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check the request first; later steps run only when it may proceed, with the (possibly approved) parameters',
    example: yaml.stringify({
      steps: [
        {
          id: 'policy',
          action: 'portal:policy:check',
          name: 'Policy check',
          input: { parameters: '${{ parameters }}' },
        },
        {
          id: 'fetch',
          action: 'fetch:template',
          if: '${{ steps.policy.output.proceed }}',
          input: {
            url: './skeleton',
            values: { name: '${{ steps.policy.output.parameters.name }}' },
          },
        },
      ],
    }),
  },
];
