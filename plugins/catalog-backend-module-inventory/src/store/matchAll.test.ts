import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Advisory } from '@internal/plugin-inventory-common';
import type { Knex } from 'knex';
import { DatabaseAdvisoryStore } from './DatabaseAdvisoryStore';
import { DatabaseSbomStore } from './DatabaseSbomStore';

jest.setTimeout(120_000);

// The full re-match (matchAll) against per-advisory matching (matchAdvisory,
// what an import does), on both databases the README offers. Packages and
// advisories are written for this test, some by a seeded generator.

const pkg = (
  type: string,
  name: string,
  version: string,
  namespace?: string,
) => ({
  purl: `pkg:${type}/${namespace ? `${namespace}/` : ''}${name}@${version}`,
  type,
  namespace,
  name,
  version,
  direct: true,
});

const advisory = (
  id: string,
  affected: Advisory['affected'],
  extra: Partial<Advisory> = {},
): Advisory => ({
  id,
  aliases: [],
  modified: '2026-12-01T00:00:00Z',
  references: [],
  affected,
  ...extra,
});

const range = (
  introduced: string,
  fixed?: string,
  type: 'SEMVER' | 'ECOSYSTEM' = 'ECOSYSTEM',
) => ({
  type,
  events: [{ introduced }, ...(fixed ? [{ fixed }] : [])],
});

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  { type: 'npm', osv: 'npm', name: 'left-pad', v: (i: number) => `1.${i}.0` },
  {
    type: 'npm',
    osv: 'npm',
    namespace: '@scope',
    name: 'util',
    v: (i: number) => `2.0.${i}`,
  },
  { type: 'pypi', osv: 'PyPI', name: 'Django', v: (i: number) => `4.${i}` },
  {
    type: 'maven',
    osv: 'Maven',
    namespace: 'org.example',
    name: 'core',
    v: (i: number) => `3.${i}.1`,
  },
  {
    type: 'golang',
    osv: 'Go',
    namespace: 'github.com/example',
    name: 'mod',
    v: (i: number) => `v0.${i}.0`,
  },
];

describe('DatabaseAdvisoryStore.matchAll', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const sboms = await DatabaseSbomStore.create({ knex });
    const store = new DatabaseAdvisoryStore(knex);
    return { knex, sboms, store };
  }

  /** Every match without its times, in a stable order. */
  const tuples = async (store: DatabaseAdvisoryStore) =>
    (await store.vulnerabilities()).map(v => [
      v.entityRef,
      v.purl,
      v.advisoryId,
      v.vulnKey,
      v.fixedIn ?? null,
    ]);

  /** The matches per-advisory matching gives, from an empty table. */
  async function perAdvisory(knex: Knex, store: DatabaseAdvisoryStore) {
    await knex('inventory_vulnerabilities').delete();
    for (const { id } of await knex('inventory_advisories').select('id'))
      await store.matchAdvisory(id);
    return tuples(store);
  }

  it.each(databases.eachSupportedId())(
    'gives what per-advisory matching gives, on %p',
    async databaseId => {
      const { knex, sboms, store } = await setup(databaseId);
      const next = random(21);
      const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
      for (let c = 0; c < 40; c++) {
        const packages = [];
        for (const n of NAMES)
          if (next() < 0.8)
            packages.push(
              pkg(n.type, n.name, n.v(Math.floor(next() * 12)), n.namespace),
            );
        packages.push(pkg('npm', `rare-${c % 7}`, `0.${c % 3}.0`));
        packages.push(pkg('generic', 'not-osv', '1.0'));
        await sboms.replaceSbom({
          entityRef: `component:default/c${c}`,
          origin: 'upload',
          format: 'cyclonedx',
          packages,
        });
        // Some components list a package in a second SBOM as well.
        if (c % 5 === 0)
          await sboms.replaceSbom({
            entityRef: `component:default/c${c}`,
            origin: 'repository:github/r:sbom.json',
            format: 'cyclonedx',
            packages: packages.slice(0, 2),
          });
      }
      for (let a = 0; a < 60; a++) {
        const affected = [];
        for (let k = 0; k < 1 + Math.floor(next() * 2); k++) {
          const n = pick(NAMES);
          const lo = Math.floor(next() * 10);
          const hi = lo + 1 + Math.floor(next() * 4);
          affected.push({
            ecosystem: n.osv,
            name: n.namespace
              ? `${n.namespace}${n.osv === 'Maven' ? ':' : '/'}${n.name}`
              : n.name,
            ranges:
              next() < 0.15
                ? []
                : [
                    range(
                      next() < 0.3 ? '0' : n.v(lo),
                      next() < 0.8 ? n.v(hi) : undefined,
                      n.osv === 'npm' || n.osv === 'Go'
                        ? 'SEMVER'
                        : 'ECOSYSTEM',
                    ),
                  ],
            versions: next() < 0.2 ? [n.v(lo), n.v(hi + 2)] : [],
          });
        }
        if (a % 9 === 0)
          affected.push({
            ecosystem: 'npm',
            name: `rare-${a % 7}`,
            ranges: [range('0', '0.1.0', 'SEMVER')],
            versions: [],
          });
        const doc = advisory(`GHSA-${a}`, affected, {
          aliases: a % 4 === 0 ? [`CVE-2026-${1000 + (a % 10)}`] : [],
          withdrawn: a % 13 === 12 ? '2026-12-02T00:00:00Z' : undefined,
        });
        await store.upsert(doc, JSON.stringify(doc), 'test');
      }
      const expected = await tuples(store);
      expect(expected.length).toBeGreaterThan(100);

      // From an empty table.
      await knex('inventory_vulnerabilities').delete();
      const result = await store.matchAll();
      expect(await tuples(store)).toEqual(expected);
      expect(result.matches).toBe(expected.length);
      // 5 keys of the generator, 7 rare ones; the generic package has none.
      expect(result.keys).toBe(12);

      // Again, over the same matches: nothing changes.
      await store.matchAll();
      expect(await tuples(store)).toEqual(expected);
      expect(await perAdvisory(knex, store)).toEqual(expected);

      // And per component, as an SBOM change matches.
      await knex('inventory_vulnerabilities').delete();
      for (let c = 0; c < 40; c++)
        await store.matchEntity(`component:default/c${c}`);
      expect(await tuples(store)).toEqual(expected);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps first-seen and notified times of matches that stay, removes the rest, on %p',
    async databaseId => {
      const { knex, sboms, store } = await setup(databaseId);
      await sboms.replaceSbom({
        entityRef: 'component:default/shop',
        origin: 'upload',
        format: 'cyclonedx',
        packages: [
          pkg('npm', 'example-utils', '4.17.20'),
          pkg('pypi', 'Django', '3.2.1'),
          pkg(
            'maven',
            'jackson-databind',
            '2.9.8',
            'com.fasterxml.jackson.core',
          ),
        ],
      });
      await sboms.replaceSbom({
        entityRef: 'component:default/ledger',
        origin: 'upload',
        format: 'cyclonedx',
        packages: [
          pkg('npm', 'example-utils', '4.17.21'),
          pkg('golang', 'net', 'v0.7.0', 'golang.org/x'),
        ],
      });
      const docs = [
        advisory(
          'GHSA-utils',
          [
            {
              ecosystem: 'npm',
              name: 'example-utils',
              ranges: [range('0', '4.17.22', 'SEMVER')],
              versions: [],
            },
          ],
          { aliases: ['CVE-2026-1111'] },
        ),
        advisory('PYSEC-django', [
          {
            ecosystem: 'PyPI',
            name: 'django',
            ranges: [range('3.0', '3.2.5')],
            versions: [],
          },
        ]),
        advisory('GHSA-jackson', [
          {
            ecosystem: 'Maven',
            name: 'com.fasterxml.jackson.core:jackson-databind',
            ranges: [range('2.9.0', '2.9.10.8')],
            versions: [],
          },
        ]),
        advisory('GO-net', [
          {
            ecosystem: 'Go',
            name: 'golang.org/x/net',
            ranges: [range('0', '0.17.0', 'SEMVER')],
            versions: [],
          },
        ]),
      ];
      for (const doc of docs)
        await store.upsert(doc, JSON.stringify(doc), 'test');
      expect((await tuples(store)).map(t => [t[0], t[2], t[4]])).toEqual([
        ['component:default/ledger', 'GHSA-utils', '4.17.22'],
        ['component:default/ledger', 'GO-net', '0.17.0'],
        ['component:default/shop', 'GHSA-jackson', '2.9.10.8'],
        ['component:default/shop', 'GHSA-utils', '4.17.22'],
        ['component:default/shop', 'PYSEC-django', '3.2.5'],
      ]);
      // Owners were told of every match; then the times are set apart so
      // a rewrite would show.
      expect(await store.claimUnnotified()).toHaveLength(5);
      const past = new Date('2026-01-02T03:04:05Z');
      await knex('inventory_vulnerabilities').update({ first_seen_at: past });
      const before = await store.vulnerabilities();

      // Behind the store's back: GO-net is withdrawn, the utils fix moves
      // down so ledger is no longer hit and its fix changes for shop, and a
      // match appears that no advisory gives.
      await knex('inventory_advisories')
        .where({ id: 'GO-net' })
        .update({ withdrawn: new Date() });
      await knex('inventory_advisory_packages')
        .where({ advisory_id: 'GHSA-utils' })
        .update({
          ranges: JSON.stringify([range('0', '4.17.21', 'SEMVER')]),
        });
      await knex('inventory_vulnerabilities').insert({
        entity_ref: 'component:default/ledger',
        purl: 'pkg:npm/example-utils@4.17.21',
        advisory_id: 'PYSEC-django',
        vuln_key: 'PYSEC-django',
        first_seen_at: past,
      });

      await store.matchAll();
      const after = await store.vulnerabilities();
      expect(
        after.map(v => [v.entityRef, v.advisoryId, v.fixedIn ?? null]),
      ).toEqual([
        ['component:default/shop', 'GHSA-jackson', '2.9.10.8'],
        ['component:default/shop', 'GHSA-utils', '4.17.21'],
        ['component:default/shop', 'PYSEC-django', '3.2.5'],
      ]);
      for (const v of after) {
        const was = before.find(
          b => b.entityRef === v.entityRef && b.advisoryId === v.advisoryId,
        )!;
        expect(v.firstSeenAt).toBe(past.toISOString());
        expect(v.notifiedAt).toBe(was.notifiedAt);
        expect(v.notifiedAt).toBeDefined();
      }
      expect(await store.claimUnnotified()).toEqual([]);

      // The same as per-advisory matching of the changed advisories.
      const all = after.map(v => [
        v.entityRef,
        v.purl,
        v.advisoryId,
        v.vulnKey,
        v.fixedIn ?? null,
      ]);
      expect(await perAdvisory(knex, store)).toEqual(all);

      // A match whose package is gone from the inventory goes too.
      await knex('ingestion_packages').delete();
      expect(await tuples(store)).toHaveLength(3);
      await knex('inventory_vulnerabilities').insert({
        entity_ref: 'component:default/shop',
        purl: 'pkg:npm/example-utils@4.17.19',
        advisory_id: 'GHSA-utils',
        vuln_key: 'CVE-2026-1111',
        first_seen_at: past,
      });
      expect(await store.matchAll()).toEqual({ keys: 0, matches: 0 });
      expect(await tuples(store)).toEqual([]);
    },
  );
});
