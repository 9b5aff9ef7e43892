import type { Vulnerability } from '@internal/plugin-inventory-common';

const advisory = (
  id: string,
  severity: Vulnerability['advisory']['severity'],
  aliases: string[] = [],
) => ({
  id,
  aliases,
  summary: `Summary of ${id}`,
  severity,
  modified: '2026-11-01T00:00:00.000Z',
  references: [`https://advisories.test/${id}`],
});

/** Three components, two teams, two vulnerabilities (one in two databases). */
export const vulnerabilities: Vulnerability[] = [
  {
    entityRef: 'component:default/shop',
    purl: 'pkg:npm/example-utils@4.17.20',
    advisory: advisory('GHSA-aaaa', 'high', ['CVE-2026-1111']),
    vulnKey: 'CVE-2026-1111',
    fixedIn: '4.17.21',
    firstSeenAt: '2026-11-20T10:00:00.000Z',
    owner: 'group:default/team-a',
  },
  {
    entityRef: 'component:default/ledger',
    purl: 'pkg:npm/example-utils@4.17.19',
    advisory: advisory('GHSA-aaaa', 'high', ['CVE-2026-1111']),
    vulnKey: 'CVE-2026-1111',
    fixedIn: '4.17.21',
    firstSeenAt: '2026-11-18T10:00:00.000Z',
    owner: 'group:default/team-b',
  },
  {
    entityRef: 'component:default/shop',
    purl: 'pkg:pypi/django@3.2.1',
    advisory: advisory('PYSEC-2026-7', 'critical'),
    vulnKey: 'PYSEC-2026-7',
    firstSeenAt: '2026-11-25T10:00:00.000Z',
    owner: 'group:default/team-a',
  },
];

/** shop's example-utils match, hidden by a statement that it is not affected. */
export const suppressed: Vulnerability[] = [
  {
    ...vulnerabilities[0],
    entityRef: 'component:default/ledger',
    purl: 'pkg:npm/example-utils@4.17.18',
    vex: {
      vulnerability: 'CVE-2026-1111',
      state: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'The merge helper is never called with user input.',
      origin: 'repository:local/ledger:vex.json',
      statedAt: '2026-11-28T09:00:00.000Z',
    },
  },
];
