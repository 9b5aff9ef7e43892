import { createHash } from 'node:crypto';
import {
  normalizePackageName,
  packageAffects,
  type Advisory,
  type AdvisorySummary,
  type AffectedPackage,
} from '@internal/plugin-inventory-common';
import type { Knex } from 'knex';

const CHUNK = 500;

/** The key of one vulnerability across databases: its CVE, else its id. */
export function vulnKeyOf(advisory: Pick<Advisory, 'id' | 'aliases'>) {
  const cves = [advisory.id, ...advisory.aliases]
    .filter(id => /^CVE-\d{4}-\d+$/.test(id))
    .sort();
  return cves[0] ?? advisory.id;
}

const keyOf = (p: AffectedPackage) =>
  `${p.ecosystem}:${normalizePackageName(p.ecosystem, p.name)}`;

/** What an import did with one advisory. */
export type UpsertOutcome = 'added' | 'changed' | 'unchanged';

/** A component package an advisory affects. */
export interface VulnerabilityRow {
  entityRef: string;
  purl: string;
  advisoryId: string;
  vulnKey: string;
  fixedIn?: string;
  firstSeenAt: string;
  notifiedAt?: string;
  advisory: AdvisorySummary;
}

type PackageRow = {
  entity_ref: string;
  purl: string;
  version: string;
  osv_key: string;
};
type AdvisoryPackageRow = {
  advisory_id: string;
  vuln_key: string;
  osv_key: string;
  ranges: string;
  versions: string;
};

/** An advisory that affects one version of one package key. */
type VersionHit = {
  osv_key: string;
  version: string;
  advisory_id: string;
  vuln_key: string;
  fixed_in: string | null;
};

/**
 * The advisories that affect each (key, version) pair: the verdict of
 * `hits` per distinct version instead of per package row, so a key used by
 * thousands of components costs one check per version it is used in. The
 * same choice as `hits` when entries of one advisory disagree: the first
 * affected one, or one that names a fix.
 */
function versionHits(
  versions: Array<{ osv_key: string; version: string }>,
  affected: AdvisoryPackageRow[],
): VersionHit[] {
  const byKey = new Map<
    string,
    Array<{ row: AdvisoryPackageRow; ranges: any; versions: string[] }>
  >();
  for (const a of affected) {
    const list = byKey.get(a.osv_key) ?? [];
    list.push({
      row: a,
      ranges: JSON.parse(a.ranges),
      versions: JSON.parse(a.versions),
    });
    byKey.set(a.osv_key, list);
  }
  const out: VersionHit[] = [];
  for (const v of versions) {
    const entries = byKey.get(v.osv_key);
    if (!entries) continue;
    const ecosystem = v.osv_key.slice(0, v.osv_key.indexOf(':'));
    const seen = new Map<string, VersionHit>();
    for (const e of entries) {
      const verdict = packageAffects(
        { ecosystem, name: '', ranges: e.ranges, versions: e.versions },
        v.version,
      );
      if (!verdict.affected) continue;
      const prior = seen.get(e.row.advisory_id);
      if (!prior || (!prior.fixed_in && verdict.fixedIn))
        seen.set(e.row.advisory_id, {
          osv_key: v.osv_key,
          version: v.version,
          advisory_id: e.row.advisory_id,
          vuln_key: e.row.vuln_key,
          fixed_in: verdict.fixedIn ?? null,
        });
    }
    out.push(...seen.values());
  }
  return out;
}

/**
 * The component packages the advisories affect: each distinct (key,
 * version) checked once (`versionHits`), then spread to the packages.
 */
function hits(packages: PackageRow[], affected: AdvisoryPackageRow[]) {
  const byVersion = new Map<string, VersionHit[]>();
  const distinct = new Map<string, { osv_key: string; version: string }>();
  for (const p of packages)
    distinct.set(`${p.osv_key}\u0000${p.version}`, {
      osv_key: p.osv_key,
      version: p.version,
    });
  for (const h of versionHits([...distinct.values()], affected)) {
    const id = `${h.osv_key}\u0000${h.version}`;
    const list = byVersion.get(id) ?? [];
    list.push(h);
    byVersion.set(id, list);
  }
  const out = new Map<
    string,
    {
      entity_ref: string;
      purl: string;
      advisory_id: string;
      vuln_key: string;
      fixed_in: string | null;
    }
  >();
  for (const p of packages) {
    for (const h of byVersion.get(`${p.osv_key}\u0000${p.version}`) ?? []) {
      const id = `${p.entity_ref}\u0000${p.purl}\u0000${h.advisory_id}`;
      const seen = out.get(id);
      if (!seen || (!seen.fixed_in && h.fixed_in))
        out.set(id, {
          entity_ref: p.entity_ref,
          purl: p.purl,
          advisory_id: h.advisory_id,
          vuln_key: h.vuln_key,
          fixed_in: h.fixed_in,
        });
    }
  }
  return [...out.values()];
}

const tripleOf = (h: {
  osv_key: string;
  version: string;
  advisory_id: string;
}) => `${h.osv_key}\u0000${h.version}\u0000${h.advisory_id}`;

/** Keys per batch of `matchAll`, and version hits per statement. */
const KEYS_PER_BATCH = 50;
const HITS_PER_STATEMENT = 1000;

const isPg = (knex: Knex) => String(knex.client.dialect).startsWith('postgres');

/** Version hits in chunks of one statement each, in key order. */
function chunksOf(found: VersionHit[]): VersionHit[][] {
  const out = [];
  for (let i = 0; i < found.length; i += HITS_PER_STATEMENT)
    out.push(found.slice(i, i + HITS_PER_STATEMENT));
  return out;
}

/**
 * The component packages some version hits stand for, as SQL: one row per
 * (entity, purl, advisory) with its vulnerability key and fix. The keys of
 * the hits are listed, so the packages are read through the key's index (a
 * join with the values alone scans the whole table).
 */
function expansion(chunk: VersionHit[]): [string, Array<string | null>] {
  const keys = [...new Set(chunk.map(h => h.osv_key))];
  return [
    `select p.entity_ref, p.purl, h.column3 as advisory_id,
       min(h.column4) as vuln_key, max(h.column5) as fixed_in
     from ingestion_packages p
     join (values ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}) as h
       on p.osv_key = h.column1 and p.version = h.column2
     where p.osv_key in (${keys.map(() => '?').join(', ')})
     group by p.entity_ref, p.purl, h.column3`,
    [
      ...chunk.flatMap(h => [
        h.osv_key,
        h.version,
        h.advisory_id,
        h.vuln_key,
        h.fixed_in,
      ]),
      ...keys,
    ],
  ];
}

/**
 * Advisories in OSV format and the component packages they affect, in
 * tables of the inventory's migrations. Matching runs for what changed
 * only: one advisory against the packages of its OSV keys, or one
 * component's packages against the advisories of theirs.
 */
export class DatabaseAdvisoryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores an advisory unless the same document is stored already, and
   * matches it against every stored package when it changed.
   */
  async upsert(
    advisory: Advisory,
    document: string,
    sourceId: string,
  ): Promise<UpsertOutcome> {
    const hash = createHash('sha256').update(document).digest('hex');
    const existing = await this.knex('inventory_advisories')
      .where({ id: advisory.id })
      .first('content_hash');
    if (existing?.content_hash === hash) return 'unchanged';
    const vulnKey = vulnKeyOf(advisory);
    await this.knex.transaction(async tx => {
      await tx('inventory_advisories').where({ id: advisory.id }).delete();
      await tx('inventory_advisories').insert({
        id: advisory.id,
        vuln_key: vulnKey,
        aliases: JSON.stringify(advisory.aliases),
        modified: new Date(advisory.modified),
        published: advisory.published ? new Date(advisory.published) : null,
        withdrawn: advisory.withdrawn ? new Date(advisory.withdrawn) : null,
        summary: advisory.summary ?? null,
        severity: advisory.severity ?? null,
        cvss: advisory.cvss ?? null,
        refs: JSON.stringify(advisory.references),
        content_hash: hash,
        source_id: sourceId,
        imported_at: new Date(),
      });
      const rows = advisory.affected.map(p => ({
        advisory_id: advisory.id,
        osv_key: keyOf(p),
        ranges: JSON.stringify(p.ranges),
        versions: JSON.stringify(p.versions),
      }));
      for (let i = 0; i < rows.length; i += CHUNK)
        await tx('inventory_advisory_packages').insert(
          rows.slice(i, i + CHUNK),
        );
    });
    await this.matchAdvisory(advisory.id);
    return existing ? 'changed' : 'added';
  }

  /**
   * Recomputes which component packages one advisory affects: its versions
   * checked once per distinct (key, version) in use, the matches written
   * by the database from those verdicts.
   */
  async matchAdvisory(advisoryId: string): Promise<void> {
    const advisory = await this.knex('inventory_advisories')
      .where({ id: advisoryId })
      .first('vuln_key', 'withdrawn');
    const affected: AdvisoryPackageRow[] =
      advisory && !advisory.withdrawn
        ? (
            await this.knex('inventory_advisory_packages')
              .where({ advisory_id: advisoryId })
              .select('advisory_id', 'osv_key', 'ranges', 'versions')
          ).map(r => ({ ...r, vuln_key: advisory.vuln_key }))
        : [];
    const found = versionHits(await this.versionsOf(affected), affected);
    await this.knex.transaction(async tx => {
      const current: Array<{ entity_ref: string; purl: string }> = await tx(
        'inventory_vulnerabilities',
      )
        .where({ advisory_id: advisoryId })
        .select('entity_ref', 'purl');
      if (current.length > 0) {
        const id = (r: { entity_ref: string; purl: string }) =>
          `${r.entity_ref}\u0000${r.purl}`;
        const keep = new Set<string>();
        for (const chunk of chunksOf(found)) {
          const result = await tx.raw(...expansion(chunk));
          // Rows in PostgreSQL's result, the rows themselves in SQLite's.
          for (const r of Array.isArray(result) ? result : result.rows)
            keep.add(id(r));
        }
        await this.deleteMatches(
          tx,
          current
            .filter(r => !keep.has(id(r)))
            .map(r => ({ ...r, advisory_id: advisoryId })),
        );
      }
      await this.insertHits(tx, found);
    });
  }

  /** The distinct versions in use of the keys of some advisory entries. */
  private async versionsOf(
    affected: AdvisoryPackageRow[],
  ): Promise<Array<{ osv_key: string; version: string }>> {
    const keys = [...new Set(affected.map(a => a.osv_key))];
    const out = [];
    for (let i = 0; i < keys.length; i += CHUNK)
      out.push(
        ...(await this.knex('ingestion_packages')
          .whereIn('osv_key', keys.slice(i, i + CHUNK))
          .groupBy('osv_key', 'version')
          .orderBy('osv_key')
          .select('osv_key', 'version')),
      );
    return out;
  }

  /** Deletes matches by their primary key. */
  private async deleteMatches(
    tx: Knex.Transaction,
    rows: Array<{ entity_ref: string; purl: string; advisory_id: string }>,
  ) {
    for (let i = 0; i < rows.length; i += CHUNK)
      await tx('inventory_vulnerabilities')
        .whereIn(
          ['entity_ref', 'purl', 'advisory_id'],
          rows
            .slice(i, i + CHUNK)
            .map(r => [r.entity_ref, r.purl, r.advisory_id]),
        )
        .delete();
  }

  /**
   * Recomputes every match: each package key (`ecosystem:name`) the
   * inventory lists, in batches of keys, against the advisories of those
   * keys. Versions are checked once per distinct (key, version), and the
   * database expands the verdicts to the component packages, so memory
   * grows with the keys of one batch, not with the packages. Matches that
   * stay keep their first-seen and notified times; those that no longer
   * hold (withdrawn advisory, changed range) are removed. Each batch is one
   * transaction.
   */
  async matchAll(): Promise<{ keys: number; matches: number }> {
    await this.knex('inventory_vulnerabilities')
      .whereIn(
        'advisory_id',
        this.knex('inventory_advisories')
          .whereNotNull('withdrawn')
          .select('id'),
      )
      .delete();
    // On an empty match table nothing can be stale: the batches only add.
    const empty = !(await this.knex('inventory_vulnerabilities').first(
      'advisory_id',
    ));
    let after = '';
    let keys = 0;
    for (;;) {
      const batch: string[] = (
        await this.knex('ingestion_packages')
          .where('osv_key', '>', after)
          .distinct('osv_key')
          .orderBy('osv_key')
          .limit(KEYS_PER_BATCH)
      ).map(r => r.osv_key);
      if (batch.length === 0) break;
      after = batch[batch.length - 1];
      keys += batch.length;
      await this.matchKeys(batch, empty);
    }
    // Matches of packages no SBOM lists any more (the SBOM store redoes a
    // component's matches when its packages change; this is the net).
    await this.knex('inventory_vulnerabilities as v')
      .whereNotExists(
        this.knex('ingestion_packages as p')
          .whereRaw('p.entity_ref = v.entity_ref')
          .whereRaw('p.purl = v.purl')
          .select(this.knex.raw('1')),
      )
      .delete();
    const [{ n }] = await this.knex('inventory_vulnerabilities').count({
      n: '*',
    });
    return { keys, matches: Number(n) };
  }

  /**
   * Replaces the matches of the packages of some keys: those of every
   * advisory (not withdrawn) of the same keys, by version.
   */
  private async matchKeys(keys: string[], onlyAdd: boolean) {
    const affected: AdvisoryPackageRow[] = await this.knex(
      'inventory_advisory_packages as p',
    )
      .join('inventory_advisories as a', 'a.id', 'p.advisory_id')
      .whereIn('p.osv_key', keys)
      .whereNull('a.withdrawn')
      .select(
        'p.advisory_id',
        'a.vuln_key',
        'p.osv_key',
        'p.ranges',
        'p.versions',
      );
    const found = versionHits(await this.versionsOf(affected), affected);
    const keep = new Set(found.map(tripleOf));
    await this.knex.transaction(async tx => {
      // What the matches of these keys are now, by version: a few rows per
      // advisory, however many components use the package.
      const current: Array<{
        osv_key: string;
        version: string;
        advisory_id: string;
      }> = onlyAdd
        ? []
        : await tx('inventory_vulnerabilities as v')
            .join('ingestion_packages as p', join =>
              join.on('p.entity_ref', 'v.entity_ref').andOn('p.purl', 'v.purl'),
            )
            .whereIn('p.osv_key', keys)
            .groupBy('p.osv_key', 'p.version', 'v.advisory_id')
            .select('p.osv_key', 'p.version', 'v.advisory_id');
      for (const gone of current.filter(c => !keep.has(tripleOf(c))))
        await tx('inventory_vulnerabilities')
          .where({ advisory_id: gone.advisory_id })
          .whereIn(
            ['entity_ref', 'purl'],
            tx('ingestion_packages')
              .where({ osv_key: gone.osv_key, version: gone.version })
              .select('entity_ref', 'purl'),
          )
          .delete();
      await this.insertHits(tx, found);
    });
  }

  /**
   * Stores the component packages of version hits, the expansion done by
   * the database (one statement per chunk of hits); a match that exists
   * keeps its first-seen and notified times.
   */
  private async insertHits(tx: Knex.Transaction, found: VersionHit[]) {
    const now = new Date();
    const pg = isPg(tx);
    for (const chunk of chunksOf(found)) {
      const [select, bindings] = expansion(chunk);
      await tx.raw(
        `insert into inventory_vulnerabilities
           (entity_ref, purl, advisory_id, vuln_key, fixed_in, first_seen_at)
         select x.entity_ref, x.purl, x.advisory_id, x.vuln_key, x.fixed_in, ${
           pg ? 'cast(? as timestamptz)' : '?'
         }
         from (${select}) x
         where 1 = 1
         on conflict (entity_ref, purl, advisory_id)
         do update set fixed_in = excluded.fixed_in, vuln_key = excluded.vuln_key
         where inventory_vulnerabilities.fixed_in ${
           pg ? 'is distinct from' : 'is not'
         } excluded.fixed_in
           or inventory_vulnerabilities.vuln_key <> excluded.vuln_key`,
        [now, ...bindings],
      );
    }
  }

  /** Recomputes which advisories affect one component's packages. */
  async matchEntity(entityRef: string): Promise<void> {
    const packages: PackageRow[] = await this.knex('ingestion_packages')
      .where({ entity_ref: entityRef })
      .whereNot({ osv_key: '' })
      .whereNotNull('osv_key')
      .distinct('entity_ref', 'purl', 'version', 'osv_key');
    const keys = [...new Set(packages.map(p => p.osv_key))];
    const affected: AdvisoryPackageRow[] = [];
    for (let i = 0; i < keys.length; i += CHUNK)
      affected.push(
        ...(await this.knex('inventory_advisory_packages as p')
          .join('inventory_advisories as a', 'a.id', 'p.advisory_id')
          .whereIn('p.osv_key', keys.slice(i, i + CHUNK))
          .whereNull('a.withdrawn')
          .select(
            'p.advisory_id',
            'a.vuln_key',
            'p.osv_key',
            'p.ranges',
            'p.versions',
          )),
      );
    await this.replaceMatches(
      { entity_ref: entityRef },
      hits(packages, affected),
    );
  }

  /**
   * Replaces the matches in a scope (one advisory or one entity), keeping
   * the first-seen and notified times of those that stay.
   */
  private async replaceMatches(
    scope: { advisory_id: string } | { entity_ref: string },
    rows: ReturnType<typeof hits>,
  ) {
    await this.knex.transaction(async tx => {
      const current: Array<{
        entity_ref: string;
        purl: string;
        advisory_id: string;
      }> = await tx('inventory_vulnerabilities')
        .where(scope)
        .select('entity_ref', 'purl', 'advisory_id');
      const id = (r: {
        entity_ref: string;
        purl: string;
        advisory_id: string;
      }) => `${r.entity_ref}\u0000${r.purl}\u0000${r.advisory_id}`;
      const keep = new Set(rows.map(id));
      const gone = current.filter(r => !keep.has(id(r)));
      for (let i = 0; i < gone.length; i += CHUNK)
        await tx('inventory_vulnerabilities')
          .whereIn(
            ['entity_ref', 'purl', 'advisory_id'],
            gone
              .slice(i, i + CHUNK)
              .map(r => [r.entity_ref, r.purl, r.advisory_id]),
          )
          .delete();
      const now = new Date();
      for (let i = 0; i < rows.length; i += CHUNK)
        await tx('inventory_vulnerabilities')
          .insert(
            rows.slice(i, i + CHUNK).map(r => ({ ...r, first_seen_at: now })),
          )
          .onConflict(['entity_ref', 'purl', 'advisory_id'])
          .merge(['fixed_in', 'vuln_key']);
    });
  }

  /** The matches of one entity, or of every entity, with their advisory. */
  async vulnerabilities(
    filter: { entityRef?: string } = {},
  ): Promise<VulnerabilityRow[]> {
    const q = this.knex('inventory_vulnerabilities as v')
      .join('inventory_advisories as a', 'a.id', 'v.advisory_id')
      .orderBy(['v.entity_ref', 'v.advisory_id', 'v.purl'])
      .select(
        'v.*',
        'a.aliases',
        'a.summary',
        'a.severity',
        'a.cvss',
        'a.published',
        'a.modified',
        'a.refs',
      );
    if (filter.entityRef) q.where('v.entity_ref', filter.entityRef);
    const iso = (t: unknown) =>
      t ? new Date(t as string).toISOString() : undefined;
    return (await q).map(r => ({
      entityRef: r.entity_ref,
      purl: r.purl,
      advisoryId: r.advisory_id,
      vulnKey: r.vuln_key,
      fixedIn: r.fixed_in ?? undefined,
      firstSeenAt: iso(r.first_seen_at)!,
      notifiedAt: iso(r.notified_at),
      advisory: {
        id: r.advisory_id,
        aliases: JSON.parse(r.aliases),
        summary: r.summary ?? undefined,
        severity: r.severity ?? undefined,
        cvss: r.cvss ?? undefined,
        published: iso(r.published),
        modified: iso(r.modified)!,
        references: JSON.parse(r.refs),
      },
    }));
  }

  /**
   * Takes the matches nobody was told about yet, marking them told: each
   * row is taken by one replica only (an update that finds it untold), so
   * owners hear of a match once.
   */
  async claimUnnotified(limit = 1000): Promise<VulnerabilityRow[]> {
    const pending = await this.knex('inventory_vulnerabilities')
      .whereNull('notified_at')
      .limit(limit)
      .select('entity_ref', 'purl', 'advisory_id');
    const now = new Date();
    const claimed = new Set<string>();
    for (const r of pending) {
      const taken = await this.knex('inventory_vulnerabilities')
        .where({
          entity_ref: r.entity_ref,
          purl: r.purl,
          advisory_id: r.advisory_id,
        })
        .whereNull('notified_at')
        .update({ notified_at: now });
      if (taken === 1)
        claimed.add(`${r.entity_ref}\u0000${r.purl}\u0000${r.advisory_id}`);
    }
    if (claimed.size === 0) return [];
    const refs = [...new Set(pending.map(r => r.entity_ref))];
    const rows: VulnerabilityRow[] = [];
    for (const ref of refs)
      rows.push(...(await this.vulnerabilities({ entityRef: ref })));
    return rows.filter(r =>
      claimed.has(`${r.entityRef}\u0000${r.purl}\u0000${r.advisoryId}`),
    );
  }

  /**
   * Gives claimed matches back untold (their owners could not be told), so
   * the next run tells them.
   */
  async releaseClaims(
    rows: Array<Pick<VulnerabilityRow, 'entityRef' | 'purl' | 'advisoryId'>>,
  ): Promise<void> {
    for (const r of rows)
      await this.knex('inventory_vulnerabilities')
        .where({
          entity_ref: r.entityRef,
          purl: r.purl,
          advisory_id: r.advisoryId,
        })
        .update({ notified_at: null });
  }
}
