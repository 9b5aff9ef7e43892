import { ConfigReader } from '@backstage/config';
import { DEFAULT_DORA_OPTIONS } from '@internal/plugin-dx-common';
import { readDoraOptions } from './doraConfig';

const read = (dora: unknown) =>
  readDoraOptions(new ConfigReader({ dx: { dora } } as any));

describe('readDoraOptions', () => {
  it('has sane defaults', () => {
    expect(readDoraOptions(new ConfigReader({}))).toEqual(DEFAULT_DORA_OPTIONS);
    expect(read({ rework: {} }).rework).toEqual({
      labels: ['rework', 'hotfix'],
      branchPattern: '^hotfix[/-]',
      linkedIncidents: true,
    });
  });

  it('reads dx.dora, and turns the branch rule off with false', () => {
    expect(
      read({
        productionEnvironments: ['live'],
        failureWindowDays: 2,
        rework: {
          labels: ['fix'],
          branchPattern: false,
          linkedIncidents: false,
        },
      }),
    ).toEqual({
      productionEnvironments: ['live'],
      failureWindowMs: 2 * 86_400_000,
      rework: {
        labels: ['fix'],
        branchPattern: undefined,
        linkedIncidents: false,
      },
    });
  });

  it('stops start-up on a mistake, with its path', () => {
    expect(() => read({ rework: { branchPattern: '(' } })).toThrow(
      /^dx\.dora\.rework\.branchPattern: not a regular expression/,
    );
    expect(() => read({ failureWindowDays: 0 })).toThrow(
      'dx.dora.failureWindowDays',
    );
    expect(() => read({ productionEnvironments: [] })).toThrow(
      'dx.dora.productionEnvironments',
    );
  });
});
