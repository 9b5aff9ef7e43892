import { TestDatabases } from '@backstage/backend-test-utils';
import type { Vulnerability } from '@internal/plugin-inventory-common';
import { DatabaseSbomStore } from './DatabaseSbomStore';
import { applyVex, DatabaseVexStore } from './DatabaseVexStore';

jest.setTimeout(60_000);

// VEX statements stored per component and origin, and applied to matches,
// on both databases the README offers.

const match = (entityRef: string, purl: string): Vulnerability => ({
  entityRef,
  purl,
  vulnKey: 'CVE-2099-0001',
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  advisory: {
    id: 'GHSA-aaaa-bbbb-cccc',
    aliases: ['CVE-2099-0001'],
    modified: '2026-11-01T00:00:00.000Z',
    references: [],
  },
});

const statement = (
  state: 'not_affected' | 'in_triage' | 'exploitable' | 'resolved',
  extra: object = {},
) => ({
  vulnerability: 'CVE-2099-0001',
  aliases: [],
  state,
  ...extra,
});

describe('VEX statements', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'are replaced per origin, pruned per repository and hide matches on %s',
    async id => {
      const knex = await databases.init(id);
      await DatabaseSbomStore.create({ knex });
      const store = new DatabaseVexStore(knex);
      const shop = 'component:default/shop';
      const ledger = 'component:default/ledger';

      await store.replaceStatements({
        entityRef: shop,
        origin: 'repository:local/shop:vex.json',
        sourceId: 'local',
        repository: 'shop',
        statements: [
          statement('not_affected', {
            purl: 'pkg:npm/example-utils@4.17.20',
            justification: 'code_not_reachable',
            statedAt: '2026-11-20T00:00:00Z',
          }),
        ],
      });
      await store.replaceStatements({
        entityRef: ledger,
        origin: 'upload',
        statements: [
          statement('in_triage', {
            vulnerability: 'GHSA-aaaa-bbbb-cccc',
            statedAt: 'not a date',
          }),
        ],
      });
      const stored = await store.statementsFor([shop, ledger]);
      expect(stored.map(s => [s.entityRef, s.state, s.purl])).toEqual([
        [shop, 'not_affected', 'pkg:npm/example-utils@4.17.20'],
        [ledger, 'in_triage', undefined],
      ]);
      // A date that is not one becomes the time it was stored.
      expect(Date.parse(stored[1].statedAt)).toBeGreaterThan(
        Date.parse('2026-01-01'),
      );

      const matches = [
        match(shop, 'pkg:npm/example-utils@4.17.20'),
        match(shop, 'pkg:npm/other-utils@1.0.0'),
        match(ledger, 'pkg:npm/example-utils@4.17.19'),
      ];
      const applied = applyVex(matches, stored);
      expect(applied.suppressed.map(v => [v.entityRef, v.purl])).toEqual([
        [shop, 'pkg:npm/example-utils@4.17.20'],
      ]);
      expect(applied.suppressed[0].vex).toEqual(
        expect.objectContaining({
          state: 'not_affected',
          justification: 'code_not_reachable',
          origin: 'repository:local/shop:vex.json',
          statedAt: '2026-11-20T00:00:00.000Z',
        }),
      );
      expect(
        applied.items.map(v => [v.entityRef, v.purl, v.vex?.state]),
      ).toEqual([
        [shop, 'pkg:npm/other-utils@1.0.0', undefined],
        [ledger, 'pkg:npm/example-utils@4.17.19', 'in_triage'],
      ]);

      // Replaced: the newer statement of the origin wins.
      await store.replaceStatements({
        entityRef: shop,
        origin: 'repository:local/shop:vex.json',
        sourceId: 'local',
        repository: 'shop',
        statements: [
          statement('exploitable', { purl: 'pkg:npm/example-utils' }),
        ],
      });
      const again = applyVex(matches, await store.statementsFor([shop]));
      expect(again.suppressed).toEqual([]);
      expect(again.items[0].vex?.state).toBe('exploitable');

      // The latest of several statements about one match applies.
      await store.replaceStatements({
        entityRef: shop,
        origin: 'upload',
        statements: [
          statement('resolved', { statedAt: '2099-01-01T00:00:00Z' }),
        ],
      });
      const latest = applyVex(matches, await store.statementsFor([shop]));
      expect(latest.suppressed.map(v => [v.purl, v.vex?.state])).toEqual([
        ['pkg:npm/example-utils@4.17.20', 'resolved'],
        ['pkg:npm/other-utils@1.0.0', 'resolved'],
      ]);

      // Pruned with the repository's file; the upload stays.
      await store.pruneRepository('local', 'shop', []);
      expect(
        (await store.statementsFor([shop, ledger])).map(s => s.origin),
      ).toEqual(['upload', 'upload']);
    },
  );
});
