import { evaluatePolicy } from './evaluatePolicy';
import { parseGoldenPathPolicy } from './policy';

const policy = parseGoldenPathPolicy({
  rules: [
    {
      id: 'name-convention',
      parameter: 'name',
      pattern: '[a-z][a-z0-9-]{2,30}',
      message: 'Names are lower-case kebab-case',
    },
    {
      id: 'lifecycles',
      parameter: 'lifecycle',
      oneOf: ['experimental', 'production'],
      message: 'Unknown lifecycle',
    },
    {
      id: 'owner-is-group',
      parameter: 'owner',
      required: true,
      entity: { kind: 'Group' },
      message: 'The owner must be a team',
    },
    {
      id: 'cost-tags',
      parameter: 'tags',
      includes: ['cost-center'],
      message: 'Tag cost-center is required',
    },
    {
      id: 'db-size-limit',
      parameter: 'storageGb',
      templates: ['postgres-database'],
      min: 1,
      max: 1000,
      message: 'Database size out of range',
    },
  ],
  gates: [
    {
      id: 'large-database',
      parameter: 'storageGb',
      standard: { max: 100 },
      reason: 'Databases above 100 GB need a capacity review',
    },
    {
      id: 'production-day-one',
      parameter: 'lifecycle',
      standard: { notOneOf: ['production'] },
      reason: 'Production on day one needs a readiness review',
    },
  ],
});

const context = {
  entityExists: async (value: string, kind: string) =>
    kind === 'Group' && ['team-a', 'group:default/team-a'].includes(value),
};

describe('evaluatePolicy', () => {
  it('passes a request on the paved road', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'postgres-database',
        parameters: {
          name: 'orders-db',
          lifecycle: 'experimental',
          owner: 'team-a',
          tags: ['cost-center', 'db'],
          storageGb: 50,
        },
      },
      context,
    );
    expect(result).toEqual({ violations: [], gates: [] });
  });

  it('names every broken rule with the parameter and why', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'postgres-database',
        parameters: {
          name: 'Orders_DB',
          lifecycle: 'legacy',
          owner: 'nobody',
          tags: ['db'],
          storageGb: 5000,
        },
      },
      context,
    );
    expect(result.violations.map(v => v.rule)).toEqual([
      'name-convention',
      'lifecycles',
      'owner-is-group',
      'cost-tags',
      'db-size-limit',
    ]);
    expect(result.violations[0].message).toBe(
      'Names are lower-case kebab-case (name "Orders_DB" does not match [a-z][a-z0-9-]{2,30})',
    );
    expect(result.violations[2].message).toContain(
      'no Group "nobody" in the catalog',
    );
    expect(result.violations[3].message).toContain('misses cost-center');
    expect(result.violations[4].message).toContain(
      '5000 is above the maximum of 1000',
    );
  });

  it('anchors patterns: a partial match is not enough', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'x',
        parameters: { name: 'ok-name; rm -rf /', owner: 'team-a' },
      },
      context,
    );
    expect(result.violations.map(v => v.rule)).toEqual(['name-convention']);
  });

  it('a missing required owner is a violation, other absent values are not', async () => {
    const result = await evaluatePolicy(
      policy,
      { template: 'typescript-service', parameters: {} },
      context,
    );
    expect(result.violations).toEqual([
      {
        rule: 'owner-is-group',
        parameter: 'owner',
        message: 'The owner must be a team (owner is required)',
      },
    ]);
  });

  it('rules scoped to a template do not judge other templates', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'typescript-service',
        parameters: { owner: 'team-a', storageGb: 5000 },
      },
      context,
    );
    expect(result.violations).toEqual([]);
  });

  it('deviations from the standard become gates with the requested value', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'postgres-database',
        parameters: {
          owner: 'team-a',
          storageGb: '250',
          lifecycle: 'production',
        },
      },
      context,
    );
    expect(result.violations).toEqual([]);
    expect(result.gates).toEqual([
      {
        gate: 'large-database',
        parameter: 'storageGb',
        reason:
          'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
        value: '250',
      },
      {
        gate: 'production-day-one',
        parameter: 'lifecycle',
        reason:
          'Production on day one needs a readiness review (lifecycle "production" is not allowed)',
        value: 'production',
      },
    ]);
  });

  it('a non-numeric size is not silently accepted', async () => {
    const result = await evaluatePolicy(
      policy,
      {
        template: 'postgres-database',
        parameters: { owner: 'team-a', storageGb: 'lots' },
      },
      context,
    );
    expect(result.violations[0].message).toContain('"lots" is not a number');
  });
});

describe('parseGoldenPathPolicy', () => {
  it.each([
    [
      { rules: [{ id: 'a', parameter: 'x', message: 'm', colour: 'red' }] },
      'rules[0]',
    ],
    [{ rules: [{ id: 'a', parameter: 'x' }] }, 'rules[0].message'],
    [
      { gates: [{ id: 'g', parameter: 'x', reason: 'r' }] },
      'gates[0].standard',
    ],
    [
      { rules: [{ id: 'Bad Id', parameter: 'x', message: 'm' }] },
      'rules[0].id',
    ],
    [{ unknown: [] }, '(root)'],
  ])('rejects %j naming %s', (doc, where) => {
    expect(() => parseGoldenPathPolicy(doc)).toThrow(where);
  });

  it('rejects duplicate ids and broken regular expressions', () => {
    expect(() =>
      parseGoldenPathPolicy({
        rules: [
          { id: 'a', parameter: 'x', message: 'm' },
          { id: 'a', parameter: 'y', message: 'm' },
        ],
      }),
    ).toThrow('duplicate id "a"');
    expect(() =>
      parseGoldenPathPolicy({
        rules: [{ id: 'a', parameter: 'x', pattern: '([a-z', message: 'm' }],
      }),
    ).toThrow('a: bad pattern');
  });

  it('an empty document is an empty policy', () => {
    expect(parseGoldenPathPolicy(undefined)).toEqual({ rules: [], gates: [] });
  });
});
