import {
  compareMaven,
  compareVersions,
  osvPackageOf,
  packageAffects,
  parseOsv,
  rangeAffects,
  type AffectedRange,
} from './index';

const sortedBy = (compare: (a: string, b: string) => number, v: string[]) =>
  [...v].reverse().sort(compare);

describe('Maven version order', () => {
  it('orders qualifiers and numbers as Maven does', () => {
    const ascending = [
      '1.0-alpha1',
      '1.0-alpha2',
      '1.0-beta1',
      '1.0-m1',
      '1.0-rc1',
      '1.0-rc2',
      '1.0-SNAPSHOT',
      '1.0',
      '1.0-sp1',
      '1.0.1',
      '1.1',
      '1.10',
      '2.0-beta9',
      '2.0',
      '2.15.0',
      '2.17.1',
    ];
    expect(sortedBy(compareMaven, ascending)).toEqual(ascending);
  });

  it('treats release spellings and trailing zeros as the same version', () => {
    for (const same of [
      '1.0',
      '1.0.0',
      '1',
      '1.0-ga',
      '1.0.final',
      '1.0.RELEASE',
    ])
      expect([same, compareMaven(same, '1.0')]).toEqual([same, 0]);
    expect(compareMaven('5.3.18.RELEASE', '5.3.18')).toBe(0);
    expect(compareMaven('1.0a1', '1.0-alpha-1')).toBe(0);
    expect(compareMaven('1.0-cr1', '1.0-rc1')).toBe(0);
  });

  it('puts unknown qualifiers after the known ones, alphabetically', () => {
    expect(compareMaven('1.0-foo', '1.0-sp')).toBeGreaterThan(0);
    expect(compareMaven('1.0-bar', '1.0-foo')).toBeLessThan(0);
  });
});

describe('versions of each ecosystem', () => {
  it('orders npm, Go, PyPI and Maven versions by their own rules', () => {
    expect(compareVersions('npm', '4.17.20', '4.17.21')).toBeLessThan(0);
    expect(compareVersions('npm', '1.0.0-beta.2', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('Go', 'v1.2.3', 'v1.10.0')).toBeLessThan(0);
    expect(
      compareVersions('Go', 'v0.0.0-20210101000000-abcdef123456', 'v0.1.0'),
    ).toBeLessThan(0);
    expect(compareVersions('PyPI', '2.0.0rc1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('PyPI', '1.0.post1', '1.0')).toBeGreaterThan(0);
    expect(compareVersions('PyPI', '1!0.1', '2.0')).toBeGreaterThan(0);
    expect(compareVersions('Maven', '2.14.1', '2.15.0')).toBeLessThan(0);
  });

  it('cannot order a version that is not valid in its ecosystem, or an unknown ecosystem', () => {
    expect(compareVersions('npm', 'latest', '1.0.0')).toBeUndefined();
    expect(compareVersions('PyPI', 'not a version', '1.0')).toBeUndefined();
    expect(compareVersions('RubyGems', '1.0', '1.1')).toBeUndefined();
  });
});

const ghsa = {
  schema_version: '1.6.0',
  id: 'GHSA-test-0001-aaaa',
  modified: '2026-11-30T10:00:00Z',
  published: '2026-11-01T10:00:00Z',
  aliases: ['CVE-2026-0001', 'GHSA-test-0001-aaaa'],
  summary: 'Prototype pollution in example-utils',
  severity: [
    {
      type: 'CVSS_V3',
      score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    },
  ],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'example-utils' },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: '0' }, { fixed: '4.17.21' }],
        },
        {
          type: 'GIT',
          repo: 'https://example.test/utils.git',
          events: [{ introduced: 'abc' }],
        },
      ],
    },
  ],
  references: [{ type: 'ADVISORY', url: 'https://example.test/advisory' }],
  database_specific: { severity: 'CRITICAL', cwe_ids: ['CWE-1321'] },
  an_extension_field: true,
};

describe('OSV documents', () => {
  it('reads an advisory: aliases without its own id, severity in words, version ranges only', () => {
    const { advisory, problems } = parseOsv(ghsa);
    expect(problems).toEqual([]);
    expect(advisory).toEqual({
      id: 'GHSA-test-0001-aaaa',
      aliases: ['CVE-2026-0001'],
      modified: '2026-11-30T10:00:00Z',
      published: '2026-11-01T10:00:00Z',
      withdrawn: undefined,
      summary: 'Prototype pollution in example-utils',
      severity: 'critical',
      cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      affected: [
        {
          ecosystem: 'npm',
          name: 'example-utils',
          ranges: [
            {
              type: 'ECOSYSTEM',
              events: [{ introduced: '0' }, { fixed: '4.17.21' }],
            },
          ],
          versions: [],
        },
      ],
      references: ['https://example.test/advisory'],
    });
  });

  it('says what is wrong and where, and keeps nothing of a broken document', () => {
    const broken = parseOsv({
      ...ghsa,
      modified: 'yesterday',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          ranges: [
            {
              type: 'ECOSYSTEM',
              events: [{ introduced: '0', fixed: '1.0.0' }],
            },
          ],
        },
      ],
    });
    expect(broken.advisory).toBeUndefined();
    expect(broken.problems).toEqual([
      'modified: is not an RFC 3339 timestamp',
      'affected[0].ranges[0].events[0]: an event has exactly one of introduced, fixed, last_affected or limit',
    ]);
    expect(parseOsv('not an object').problems).toHaveLength(1);
    expect(parseOsv({ modified: ghsa.modified }).problems[0]).toMatch(/^id: /);
  });

  it('drops the release of an ecosystem (Debian:12 is Debian)', () => {
    const { advisory } = parseOsv({
      id: 'DSA-1',
      modified: '2026-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' } }],
    });
    expect(advisory?.affected[0].ecosystem).toBe('Debian');
  });
});

describe('which versions an advisory affects', () => {
  const range = (
    type: AffectedRange['type'],
    ...events: AffectedRange['events']
  ): AffectedRange => ({ type, events });

  it('affects versions from introduced up to fixed, and names the fix', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { fixed: '4.17.21' });
    expect(rangeAffects(r, 'npm', '4.17.20')).toEqual({
      affected: true,
      fixedIn: '4.17.21',
    });
    expect(rangeAffects(r, 'npm', '4.17.21')).toEqual({ affected: false });
    expect(rangeAffects(r, 'npm', '5.0.0')).toEqual({ affected: false });
  });

  it('handles several introduced and fixed pairs, in any order', () => {
    const r = range(
      'ECOSYSTEM',
      { fixed: '2.15.0' },
      { introduced: '2.13.0' },
      { fixed: '1.5.2' },
      { introduced: '1.0.0' },
    );
    const at = (v: string) => rangeAffects(r, 'npm', v);
    expect(at('0.9.0')?.affected).toBe(false);
    expect(at('1.2.0')).toEqual({ affected: true, fixedIn: '1.5.2' });
    expect(at('1.9.0')?.affected).toBe(false);
    expect(at('2.14.0')).toEqual({ affected: true, fixedIn: '2.15.0' });
  });

  it('closes a range after last_affected', () => {
    const r = range(
      'ECOSYSTEM',
      { introduced: '1.0' },
      { last_affected: '1.4' },
    );
    expect(rangeAffects(r, 'PyPI', '1.4')?.affected).toBe(true);
    expect(rangeAffects(r, 'PyPI', '1.4.post1')?.affected).toBe(false);
    expect(rangeAffects(r, 'PyPI', '0.9')?.affected).toBe(false);
  });

  it('orders Maven ranges with qualifiers (2.0-beta9 to 2.15.0)', () => {
    const r = range(
      'ECOSYSTEM',
      { introduced: '2.0-beta9' },
      { fixed: '2.15.0' },
    );
    const at = (v: string) => rangeAffects(r, 'Maven', v)?.affected;
    expect(at('2.0-beta8')).toBe(false);
    expect(at('2.0-rc1')).toBe(true);
    expect(at('2.14.1')).toBe(true);
    expect(at('2.15.0')).toBe(false);
  });

  it('reads SEMVER ranges of Go modules with their v', () => {
    const r = range('SEMVER', { introduced: '0' }, { fixed: '1.2.4' });
    expect(rangeAffects(r, 'Go', 'v1.2.3')).toEqual({
      affected: true,
      fixedIn: '1.2.4',
    });
    expect(rangeAffects(r, 'Go', 'v1.2.4')?.affected).toBe(false);
  });

  it('cannot judge a version its ecosystem cannot order; listed versions still match', () => {
    const pkg = {
      ecosystem: 'npm',
      name: 'x',
      ranges: [range('ECOSYSTEM', { introduced: '0' }, { fixed: '2.0.0' })],
      versions: ['workspace-build'],
    };
    expect(rangeAffects(pkg.ranges[0], 'npm', 'not-semver')).toBeUndefined();
    expect(packageAffects(pkg, 'not-semver')).toEqual({ affected: false });
    expect(packageAffects(pkg, 'workspace-build')).toEqual({ affected: true });
    expect(packageAffects(pkg, '1.0.0')).toEqual({
      affected: true,
      fixedIn: '2.0.0',
    });
  });
});

describe('inventory packages as OSV packages', () => {
  it('names packages the way OSV does per ecosystem', () => {
    expect(
      osvPackageOf({ type: 'npm', namespace: '@scope', name: 'lib' }),
    ).toEqual({ ecosystem: 'npm', name: '@scope/lib' });
    expect(
      osvPackageOf({
        type: 'maven',
        namespace: 'org.apache.logging.log4j',
        name: 'log4j-core',
      }),
    ).toEqual({
      ecosystem: 'Maven',
      name: 'org.apache.logging.log4j:log4j-core',
    });
    expect(
      osvPackageOf({ type: 'pypi', name: 'Django_Rest.Framework' }),
    ).toEqual({ ecosystem: 'PyPI', name: 'django-rest-framework' });
    expect(
      osvPackageOf({ type: 'golang', namespace: 'golang.org/x', name: 'net' }),
    ).toEqual({ ecosystem: 'Go', name: 'golang.org/x/net' });
    expect(osvPackageOf({ type: 'generic', name: 'thing' })).toBeUndefined();
  });
});
