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

function hits(packages: PackageRow[], affected: AdvisoryPackageRow[]) {
  const byKey = new Map<string, AdvisoryPackageRow[]>();
  for (const a of affected) {
    const list = byKey.get(a.osv_key) ?? [];
    list.push(a);
    byKey.set(a.osv_key, list);
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
    for (const a of byKey.get(p.osv_key) ?? []) {
      const verdict = packageAffects(
        {
          ecosystem: p.osv_key.slice(0, p.osv_key.indexOf(':')),
          name: '',
          ranges: JSON.parse(a.ranges),
          versions: JSON.parse(a.versions),
        },
        p.version,
      );
      if (!verdict.affected) continue;
      const id = `${p.entity_ref}\u0000${p.purl}\u0000${a.advisory_id}`;
      const seen = out.get(id);
      if (!seen || (!seen.fixed_in && verdict.fixedIn))
        out.set(id, {
          entity_ref: p.entity_ref,
          purl: p.purl,
          advisory_id: a.advisory_id,
          vuln_key: a.vuln_key,
          fixed_in: verdict.fixedIn ?? null,
        });
    }
  }
  return [...out.values()];
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

  /** Recomputes which component packages one advisory affects. */
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
    const keys = [...new Set(affected.map(a => a.osv_key))];
    const packages: PackageRow[] = [];
    for (let i = 0; i < keys.length; i += CHUNK)
      packages.push(
        ...(await this.knex('ingestion_packages')
          .whereIn('osv_key', keys.slice(i, i + CHUNK))
          .distinct('entity_ref', 'purl', 'version', 'osv_key')),
      );
    await this.replaceMatches(
      { advisory_id: advisoryId },
      hits(packages, affected),
    );
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
      for (const r of gone)
        await tx('inventory_vulnerabilities')
          .where({
            entity_ref: r.entity_ref,
            purl: r.purl,
            advisory_id: r.advisory_id,
          })
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
}
