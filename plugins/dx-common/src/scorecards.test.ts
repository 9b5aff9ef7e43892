import {
  DEFAULT_VULNERABILITY_FIX,
  evaluateScorecard,
  parseScorecards,
  scorecardApplies,
  type EntityFacts,
} from './scorecards';

const CARD = {
  id: 'readiness',
  title: 'Readiness',
  checks: [
    {
      id: 'owner',
      title: 'Owner',
      level: 'bronze',
      check: 'owner-exists',
      fix: 'Set spec.owner',
    },
    {
      id: 'lifecycle',
      title: 'Lifecycle',
      level: 'bronze',
      check: 'field',
      path: 'spec.lifecycle',
      oneOf: ['production', 'experimental'],
      fix: 'Set it',
    },
    {
      id: 'slo',
      title: 'SLO',
      level: 'silver',
      check: 'has-slo',
      fix: 'Add slo.yaml',
    },
    {
      id: 'lodash',
      title: 'No old lodash',
      level: 'silver',
      check: 'no-flagged-packages',
      packages: [{ package: 'pkg:npm/lodash', range: '<4.17.21' }],
      fix: 'Upgrade',
    },
    {
      id: 'template',
      title: 'Newest template',
      level: 'gold',
      check: 'newest-template-version',
      fix: 'Upgrade the template',
    },
    {
      id: 'weekly',
      title: 'Weekly',
      level: 'gold',
      check: 'deploys-at-least',
      perWeek: 1,
      days: 28,
      fix: 'Ship',
    },
  ],
};

const base = (over: Partial<EntityFacts> = {}): EntityFacts => ({
  entityRef: 'component:default/a',
  kind: 'Component',
  type: 'service',
  entity: { metadata: { name: 'a' }, spec: { lifecycle: 'production' } },
  owner: 'group:default/team-a',
  ownerExists: true,
  slos: 1,
  docs: true,
  flagged: {},
  deployments: { weekly: 4 },
  ...over,
});

describe('parseScorecards', () => {
  it('fills defaults: levels bronze/silver/gold, components, 28 days, min 1', () => {
    const [card] = parseScorecards([CARD], 'x');
    expect(card.levels).toEqual(['bronze', 'silver', 'gold']);
    expect(card.appliesTo).toEqual({ kinds: ['Component'] });
    expect(card.checks.find(c => c.id === 'slo')).toMatchObject({ min: 1 });
  });

  it.each([
    [
      [{ ...CARD, checks: [{ ...CARD.checks[0], level: 'platinum' }] }],
      'x[0].checks[0].level: platinum is not one of bronze, silver, gold',
    ],
    [
      [{ ...CARD, checks: [{ ...CARD.checks[0], check: 'has-magic' }] }],
      'x[0].checks[0].check',
    ],
    [
      [{ ...CARD, checks: [{ ...CARD.checks[0], extra: 1 }] }],
      'x[0].checks[0]',
    ],
    [
      [{ ...CARD, checks: [CARD.checks[0], CARD.checks[0]] }],
      'x[0].checks[1].id: duplicate id owner',
    ],
    [[CARD, CARD], 'x[1].id: duplicate id readiness'],
    [
      [{ ...CARD, checks: [{ ...CARD.checks[1], pattern: '(' }] }],
      'x[0].checks[0].pattern:',
    ],
    [[{ ...CARD, checks: [] }], 'x[0].checks'],
    [{ not: 'a list' }, 'invalid scorecards'],
  ])('refuses a mistake with where it is (%#)', (input, message) => {
    expect(() => parseScorecards(input, 'x')).toThrow(message);
  });
});

describe('evaluateScorecard', () => {
  const [card] = parseScorecards([CARD], 'x');
  const at = '2026-12-01T00:00:00.000Z';

  it('gives gold when every check passes', () => {
    const r = evaluateScorecard(
      card,
      base({
        template: {
          ref: 'template:default/t',
          version: '2.0.0',
          newestVersion: '2.0.0',
        },
      }),
      {},
      at,
    );
    expect(r.level).toBe('gold');
    expect(r.score).toBe(1);
    expect(r.checks.every(c => c.status === 'pass')).toBe(true);
    expect(r.checks.some(c => c.fix)).toBe(false);
  });

  it('stops at the first level with a failing check, names it and its fix', () => {
    // Bronze passes, one silver check fails, gold passes: silver is not
    // reached, so neither is gold.
    const r = evaluateScorecard(card, base({ slos: 0 }), {}, at);
    expect(r.level).toBe('bronze');
    const slo = r.checks.find(c => c.id === 'slo')!;
    expect(slo).toEqual({
      id: 'slo',
      title: 'SLO',
      level: 'silver',
      status: 'fail',
      detail: '0 SLOs defined, 1 needed',
      fix: 'Add slo.yaml',
    });
    // 5 of 6 checks pass (the template check is n/a: not from a template).
    expect(r.score).toBeCloseTo(5 / 6);
    expect(r.checks.find(c => c.id === 'template')!.status).toBe('n/a');
  });

  it('names the owner by its title, or by its ref when the catalog has no name', () => {
    const named = evaluateScorecard(
      card,
      base({ ownerName: 'Team A' }),
      {},
      at,
    );
    expect(named.checks[0]).toMatchObject({
      status: 'pass',
      detail: 'owned by Team A, in the catalog',
    });
    expect(evaluateScorecard(card, base(), {}, at).checks[0].detail).toBe(
      'owned by group:default/team-a, in the catalog',
    );
  });

  it('reaches no level when a bronze check fails', () => {
    const r = evaluateScorecard(card, base({ ownerExists: false }), {}, at);
    expect(r.level).toBeNull();
    expect(r.checks[0].detail).toBe(
      'owner group:default/team-a is not a Group or User in the catalog',
    );
  });

  it('judges fields, packages, template versions and deployments', () => {
    const r = evaluateScorecard(
      card,
      base({
        entity: { metadata: { name: 'a' }, spec: { lifecycle: 'retired' } },
        flagged: { lodash: [{ purl: 'pkg:npm/lodash', version: '4.17.20' }] },
        template: {
          ref: 'template:default/t',
          version: '1.0.0',
          newestVersion: '2.0.0',
        },
        deployments: { weekly: 2 },
      }),
      {},
      at,
    );
    const byId = Object.fromEntries(r.checks.map(c => [c.id, c]));
    expect(byId.lifecycle.detail).toBe(
      'spec.lifecycle is retired, not one of production, experimental',
    );
    expect(byId.lodash.detail).toBe('uses pkg:npm/lodash@4.17.20');
    expect(byId.template.detail).toBe(
      'on template:default/t 1.0.0; the newest is 2.0.0',
    );
    // 2 deployments in 28 days = 0.5 a week.
    expect(byId.weekly).toMatchObject({
      status: 'fail',
      detail: '0.5 deployments per week over 28 days, 1 needed',
    });
    expect(r.level).toBeNull();
  });

  it('marks checks n/a, not failed, when their source did not answer', () => {
    const r = evaluateScorecard(
      card,
      base({ slos: 0 }),
      { slos: 'SLOs: slo answered HTTP 503' },
      at,
    );
    expect(r.checks.find(c => c.id === 'slo')).toMatchObject({
      status: 'n/a',
      detail: 'not checked: SLOs: slo answered HTTP 503',
    });
    expect(r.level).toBe('gold');
  });

  it('reads fields without walking into prototypes', () => {
    const [c] = parseScorecards(
      [
        {
          id: 'p',
          title: 'P',
          checks: [
            {
              id: 'f',
              title: 'F',
              level: 'bronze',
              check: 'field',
              path: 'metadata.constructor',
              fix: 'x',
            },
          ],
        },
      ],
      'x',
    );
    expect(evaluateScorecard(c, base(), {}, at).checks[0]).toMatchObject({
      status: 'fail',
      detail: 'metadata.constructor is not set',
    });
  });

  it('applies by kind and type, without case', () => {
    const [c] = parseScorecards(
      [{ ...CARD, appliesTo: { kinds: ['component'], types: ['Service'] } }],
      'x',
    );
    expect(scorecardApplies(c, 'Component', 'service')).toBe(true);
    expect(scorecardApplies(c, 'Component', 'website')).toBe(false);
    expect(scorecardApplies(c, 'API', 'service')).toBe(false);
  });
});

describe('no-known-vulnerabilities', () => {
  const at = '2026-12-01T00:00:00.000Z';
  const card = (extra: Record<string, unknown> = {}) =>
    parseScorecards(
      [
        {
          id: 'security',
          title: 'Security',
          checks: [
            {
              id: 'vulns',
              title: 'No known vulnerability',
              level: 'bronze',
              check: 'no-known-vulnerabilities',
              ...extra,
            },
          ],
        },
      ],
      'x',
    )[0];
  const LODASH = {
    advisory: 'GHSA-35jh-r3h4-6jhm',
    cve: 'CVE-2021-23337',
    package: 'lodash 4.17.20',
    severity: 'high' as const,
    fixedIn: '4.17.21',
  };
  const MINIMIST = {
    advisory: 'GHSA-xvch-5gv4-984h',
    package: 'minimist 1.2.5',
    severity: 'critical' as const,
    fixedIn: '1.2.6',
  };
  const DEBUG = {
    advisory: 'GHSA-gxpj-cx7g-858c',
    package: 'debug 2.6.8',
    severity: 'low' as const,
  };
  const UNRATED = { advisory: 'PYSEC-2024-1', package: 'jinja2 3.1.2' };
  const judge = (
    vulnerabilities: EntityFacts['vulnerabilities'],
    extra: Record<string, unknown> = {},
    missing = {},
  ) =>
    evaluateScorecard(card(extra), base({ vulnerabilities }), missing, at)
      .checks[0];

  it('passes when no advisory affects its packages', () => {
    expect(judge([])).toEqual({
      id: 'vulns',
      title: 'No known vulnerability',
      level: 'bronze',
      status: 'pass',
      detail: 'no known vulnerability in its packages',
    });
    expect(judge(undefined).status).toBe('pass');
  });

  it('fails naming each advisory, its package and fixed version, worst first, with how to fix', () => {
    const r = judge([DEBUG, LODASH, MINIMIST]);
    expect(r).toMatchObject({ status: 'fail', level: 'bronze' });
    expect(r.detail).toBe(
      'affected by GHSA-xvch-5gv4-984h (critical) in minimist 1.2.5, fixed in 1.2.6; ' +
        'GHSA-35jh-r3h4-6jhm (CVE-2021-23337, high) in lodash 4.17.20, fixed in 4.17.21; ' +
        'GHSA-gxpj-cx7g-858c (low) in debug 2.6.8, no fixed version yet',
    );
    expect(r.fix).toBe(DEFAULT_VULNERABILITY_FIX);
    expect(r.fix).toMatch(/version that fixes it.*VEX statement/);
    expect(judge([LODASH], { fix: 'Ask security' }).fix).toBe('Ask security');
  });

  it('names five advisories and counts the rest', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      ...LODASH,
      advisory: `GHSA-000${i}`,
    }));
    const { detail } = judge(many);
    expect(detail.split('; ')).toHaveLength(6);
    expect(detail).toMatch(/; and 2 more$/);
  });

  it('counts only advisories at or above minSeverity, and unrated ones at any', () => {
    expect(judge([DEBUG, LODASH], { minSeverity: 'critical' })).toMatchObject({
      status: 'pass',
      detail:
        'no known vulnerability of critical severity or above in its packages',
    });
    expect(
      judge([DEBUG, LODASH, MINIMIST], { minSeverity: 'high' }).detail,
    ).toBe(
      'affected by GHSA-xvch-5gv4-984h (critical) in minimist 1.2.5, fixed in 1.2.6; ' +
        'GHSA-35jh-r3h4-6jhm (CVE-2021-23337, high) in lodash 4.17.20, fixed in 4.17.21',
    );
    expect(judge([DEBUG], { minSeverity: 'low' }).status).toBe('fail');
    expect(judge([UNRATED], { minSeverity: 'critical' })).toMatchObject({
      status: 'fail',
      detail:
        'affected by PYSEC-2024-1 (not rated) in jinja2 3.1.2, no fixed version yet',
    });
  });

  it('reads minSeverity in the inventory’s words, moderate being medium', () => {
    expect(card({ minSeverity: 'moderate' }).checks[0]).toMatchObject({
      minSeverity: 'medium',
    });
    expect(card().checks[0]).not.toHaveProperty('minSeverity');
    expect(() => card({ minSeverity: 'severe' })).toThrow(
      'x[0].checks[0].minSeverity',
    );
    const medium = { ...DEBUG, severity: 'medium' as const };
    expect(judge([medium], { minSeverity: 'moderate' }).status).toBe('fail');
    expect(judge([DEBUG], { minSeverity: 'moderate' }).status).toBe('pass');
  });

  it('is n/a, not failed, when the inventory did not answer', () => {
    const r = evaluateScorecard(
      card(),
      base({ vulnerabilities: [LODASH] }),
      { vulnerabilities: 'known vulnerabilities: catalog answered HTTP 503' },
      at,
    );
    expect(r.checks[0]).toMatchObject({
      status: 'n/a',
      detail: 'not checked: known vulnerabilities: catalog answered HTTP 503',
    });
    expect(r.checks[0].fix).toBeUndefined();
    // Every level reached: n/a counts as passing.
    expect(r.level).toBe('gold');
    expect(r.score).toBe(1);
  });
});
