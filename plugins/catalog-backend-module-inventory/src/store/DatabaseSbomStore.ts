import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  osvPackageOf,
  type ComponentPackage,
  type StoredSbom,
} from '@internal/plugin-inventory-common';
import type { Knex } from 'knex';
import type { PackageQuery } from '../sbom/matchPackage';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-catalog-backend-module-inventory',
  'migrations',
);

const CHUNK = 500;

/** The OSV key (`ecosystem:name`) of a package, the join key of advisories. */
export function osvKeyOf(p: {
  type: string;
  namespace?: string | null;
  name: string;
}): string | null {
  const key = osvPackageOf(p);
  return key ? `${key.ecosystem}:${key.name}` : null;
}

function toSbom(row: any): StoredSbom {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    format: row.format,
    origin: row.origin,
    storedAt: new Date(row.stored_at).toISOString(),
    packages: Number(row.packages),
    ...(row.problems ? { problems: JSON.parse(row.problems) } : {}),
  };
}

function toPackage(row: any): ComponentPackage {
  return {
    purl: row.purl,
    type: row.type,
    namespace: row.namespace ?? undefined,
    name: row.name,
    version: row.version,
    direct: Boolean(row.direct),
    licenses: row.licenses ? JSON.parse(row.licenses) : undefined,
  };
}

/**
 * The dependency inventory in the catalog's database, in tables of this
 * module's migrations (their own migrations table,
 * inventory__knex_migrations).
 */
export class DatabaseSbomStore {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DatabaseSbomStore> {
    if (!options.skipMigrations) {
      await options.knex.migrate.latest({
        directory: migrationsDir,
        tableName: 'inventory__knex_migrations',
      });
    }
    const store = new DatabaseSbomStore(options.knex);
    await store.fillOsvKeys();
    return store;
  }

  private readonly listeners: Array<(entityRef: string) => Promise<void>> = [];

  private constructor(private readonly knex: Knex) {}

  /** Called with a component's ref after its packages changed. */
  onPackagesChanged(listener: (entityRef: string) => Promise<void>) {
    this.listeners.push(listener);
  }

  private async changed(entityRefs: Iterable<string>) {
    for (const ref of new Set(entityRefs))
      for (const listener of this.listeners) await listener(ref);
  }

  /**
   * Gives packages stored before advisories existed their OSV key, in
   * batches; idempotent, so replicas starting together do no harm.
   */
  private async fillOsvKeys() {
    for (;;) {
      const rows = await this.knex('ingestion_packages')
        .whereNull('osv_key')
        .distinct('type', 'namespace', 'name')
        .limit(CHUNK);
      if (rows.length === 0) return;
      for (const row of rows) {
        const q = this.knex('ingestion_packages')
          .whereNull('osv_key')
          .where({ type: row.type, name: row.name });
        if (row.namespace === null) q.whereNull('namespace');
        else q.where({ namespace: row.namespace });
        // '' marks a package OSV does not cover, so it is not looked at again.
        await q.update({ osv_key: osvKeyOf(row) ?? '' });
      }
    }
  }

  /** Stores an SBOM for a component, replacing the one from the same origin. */
  async replaceSbom(options: {
    entityRef: string;
    origin: string;
    format: StoredSbom['format'];
    packages: ComponentPackage[];
    sourceId?: string;
    repository?: string;
    /** Where the document leaves its schema. */
    problems?: string[];
  }): Promise<StoredSbom> {
    const stored = await this.knex.transaction(async tx => {
      await tx('ingestion_sboms')
        .where({ entity_ref: options.entityRef, origin: options.origin })
        .delete();
      const [row] = await tx('ingestion_sboms')
        .insert({
          entity_ref: options.entityRef,
          origin: options.origin,
          source_id: options.sourceId ?? null,
          repository: options.repository ?? null,
          format: options.format,
          stored_at: new Date(),
          packages: options.packages.length,
          problems: options.problems?.length
            ? JSON.stringify(options.problems)
            : null,
        })
        .returning('*');
      for (let i = 0; i < options.packages.length; i += CHUNK) {
        await tx('ingestion_packages').insert(
          options.packages.slice(i, i + CHUNK).map(p => ({
            sbom_id: row.id,
            entity_ref: options.entityRef,
            purl: p.purl,
            type: p.type,
            namespace: p.namespace ?? null,
            name: p.name,
            version: p.version,
            direct: p.direct,
            licenses: p.licenses ? JSON.stringify(p.licenses) : null,
            osv_key: osvKeyOf(p) ?? '',
          })),
        );
      }
      return toSbom(row);
    });
    await this.changed([options.entityRef]);
    return stored;
  }

  /** Deletes a repository's SBOMs except those from the given origins. */
  async pruneRepositorySboms(
    sourceId: string,
    repository: string,
    keepOrigins: string[],
  ): Promise<void> {
    const gone = this.knex('ingestion_sboms')
      .where({ source_id: sourceId, repository })
      .whereNotIn('origin', keepOrigins.length ? keepOrigins : ['']);
    const refs: string[] = await gone.clone().pluck('entity_ref');
    if (refs.length === 0) return;
    await gone.delete();
    await this.changed(refs);
  }

  async entityDependencies(
    entityRef: string,
  ): Promise<{ sboms: StoredSbom[]; packages: ComponentPackage[] }> {
    const sboms = (
      await this.knex('ingestion_sboms')
        .where({ entity_ref: entityRef })
        .orderBy('id')
    ).map(toSbom);
    const rows = await this.knex('ingestion_packages')
      .where({ entity_ref: entityRef })
      .orderBy([{ column: 'direct', order: 'desc' }, 'name', 'version']);
    const byPurl = new Map<string, ComponentPackage>();
    for (const p of rows.map(toPackage)) {
      const seen = byPurl.get(p.purl);
      if (!seen || (p.direct && !seen.direct)) byPurl.set(p.purl, p);
    }
    return { sboms, packages: [...byPurl.values()] };
  }

  /** Package rows matching the query's name (and type, namespace, version when given). */
  async findPackages(
    query: PackageQuery,
    limit: number,
  ): Promise<Array<ComponentPackage & { entityRef: string }>> {
    const q = this.knex('ingestion_packages').limit(limit);
    if (query.namespace !== undefined) {
      const full = `${query.namespace}/${query.name}`;
      q.where(w =>
        w
          .where({ name: query.name, namespace: query.namespace! })
          .orWhere({ name: full }),
      );
    } else {
      q.where({ name: query.name });
    }
    if (query.type) q.where({ type: query.type });
    if (query.version) q.where({ version: query.version });
    const rows = await q.select();
    return rows.map(r => ({ ...toPackage(r), entityRef: r.entity_ref }));
  }
}
