import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_DORA_OPTIONS,
  isProduction,
  VULNERABILITY_SEVERITIES,
  type EntityFacts,
  type KnownVulnerability,
  type MissingFacts,
  type Scorecard,
} from '@internal/plugin-dx-common';
import { InventoryClient, packageOf } from '@internal/plugin-inventory-common';
import { RepositoryDocsClient } from '@internal/plugin-repository-docs-common';
import { GoldenPathsClient } from '@internal/plugin-golden-paths-common';
import { SloClient } from '@internal/plugin-slo-common';
import { asService } from '@internal/portal-common';
import type { Knex } from 'knex';

/** The golden-path annotations (golden-paths-common), read as plain strings. */
export const ANNOTATION_TEMPLATE = 'portal.dev/template';
export const ANNOTATION_TEMPLATE_VERSION = 'portal.dev/template-version';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

function templateRef(value: string): string | undefined {
  try {
    return lower(
      stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: 'template',
          defaultNamespace: 'default',
        }),
      ),
    );
  } catch {
    return undefined;
  }
}

/** A Group's title or a User's display name, else its name. */
function displayName(e: Entity): string {
  const profile = (e.spec as { profile?: { displayName?: unknown } })?.profile;
  const known =
    e.metadata.title ??
    (typeof profile?.displayName === 'string' ? profile.displayName : '');
  return known || e.metadata.name;
}

export interface CatalogFacts {
  entities: Entity[];
  /** Every Group and User: ref (lower case) to the name people know. */
  principals: Map<string, string>;
}

/**
 * Gathers the facts the scorecards and the adoption metrics read: the
 * catalog (entities, owners), SLOs, golden-path template versions, docs,
 * SBOM packages, known vulnerabilities and deployments. A plugin that does
 * not answer makes its facts missing (the checks reading them are n/a),
 * never the whole run.
 */
export class PortalFacts {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      knex: Knex;
    },
  ) {
    const options = { discoveryApi: deps.discovery };
    this.slo = new SloClient(options);
    this.goldenPaths = new GoldenPathsClient(options);
    this.inventory = new InventoryClient(options);
    this.repositoryDocs = new RepositoryDocsClient(options);
  }

  /** The typed clients of the other plugins. */
  private readonly slo: SloClient;
  private readonly goldenPaths: GoldenPathsClient;
  private readonly inventory: InventoryClient;
  private readonly repositoryDocs: RepositoryDocsClient;

  private async all(
    filter: Record<string, string | string[]>,
    fields?: string[],
  ) {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const items: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = cursor
        ? await this.deps.catalog.queryEntities(
            { cursor, limit: 1000 },
            { credentials },
          )
        : await this.deps.catalog.queryEntities(
            { filter, fields, limit: 1000 },
            { credentials },
          );
      items.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return items;
  }

  /** Entities of the given kinds, and every Group and User ref. */
  async catalog(kinds: string[]): Promise<CatalogFacts> {
    const [entities, principals] = await Promise.all([
      this.all({ kind: kinds.map(lower) }),
      this.all({ kind: ['group', 'user'] }, [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ]),
    ]);
    return {
      entities,
      principals: new Map(
        principals.map(e => [lower(stringifyEntityRef(e)), displayName(e)]),
      ),
    };
  }

  /** Every User entity. */
  async users(): Promise<Entity[]> {
    return this.all({ kind: 'user' });
  }

  /** SLOs per entity ref (lower case). */
  async slos(): Promise<Map<string, number>> {
    const { items } = await this.slo.listSlos(
      {},
      await asService(this.deps.auth, 'slo'),
    );
    const counts = new Map<string, number>();
    for (const s of items) {
      const ref = lower(s.entityRef);
      counts.set(ref, (counts.get(ref) ?? 0) + 1);
    }
    return counts;
  }

  /** The newest version of each template (by ref, lower case). */
  async newestTemplateVersions(): Promise<Map<string, string | undefined>> {
    const { items } = await this.goldenPaths.listTemplateVersions(
      await asService(this.deps.auth, 'golden-paths'),
    );
    return new Map(items.map(t => [lower(t.templateRef), t.latestVersion]));
  }

  /** Entities whose repository has docs. */
  async docs(): Promise<Set<string>> {
    const { items } = await this.repositoryDocs.listEntitiesWithDocs(
      await asService(this.deps.auth, 'catalog'),
    );
    return new Set(items.map(lower));
  }

  /** Components using a package, in a version range, from their SBOMs. */
  async packageUsages(
    pkg: string,
    range?: string,
  ): Promise<Array<{ entityRef: string; purl: string; version: string }>> {
    const { items } = await this.inventory.listPackageUsages(
      { package: pkg, range },
      await asService(this.deps.auth, 'catalog'),
    );
    return items;
  }

  /**
   * Advisories affecting each entity's packages (ref in lower case), in
   * words: one per vulnerability and package, the worst rating kept when
   * several databases report it. Only the matches that count (`items`):
   * the ones a VEX statement hides are left out by the inventory.
   */
  async vulnerabilities(): Promise<Map<string, KnownVulnerability[]>> {
    const { items } = await this.inventory.listVulnerabilities(
      {},
      await asService(this.deps.auth, 'catalog'),
    );
    const rank = (s?: string) =>
      (VULNERABILITY_SEVERITIES as readonly string[]).indexOf(s ?? '');
    const byEntity = new Map<string, Map<string, KnownVulnerability>>();
    for (const v of items) {
      const ref = lower(v.entityRef);
      const found = byEntity.get(ref) ?? new Map();
      byEntity.set(ref, found);
      const key = `${v.vulnKey}\n${v.purl}`;
      const seen: KnownVulnerability | undefined = found.get(key);
      const { id, severity } = v.advisory;
      const fixedIn = seen?.fixedIn ?? v.fixedIn;
      if (seen && rank(seen.severity) >= rank(severity)) {
        if (fixedIn) seen.fixedIn = fixedIn;
        continue;
      }
      found.set(key, {
        advisory: id,
        ...(v.vulnKey !== id ? { cve: v.vulnKey } : {}),
        package: packageOf(v.purl),
        ...(severity ? { severity } : {}),
        ...(fixedIn ? { fixedIn } : {}),
      });
    }
    return new Map([...byEntity].map(([ref, m]) => [ref, [...m.values()]]));
  }

  /** Successful production deployments per entity since `since`. */
  async deploymentsSince(since: Date): Promise<Map<string, number>> {
    const rows: Array<{
      entity_ref: string;
      environment: string | null;
      n: unknown;
    }> = (await this.deps
      .knex('dx_events')
      .where('kind', 'deployment')
      .whereIn('action', ['deployed', 'upgraded'])
      .where('occurred_at', '>=', since)
      .whereNotNull('entity_ref')
      .where(q => q.whereNull('outcome').orWhere('outcome', 'success'))
      .groupBy('entity_ref', 'environment')
      .select('entity_ref', 'environment')
      .count({ n: '*' })) as any;
    const counts = new Map<string, number>();
    for (const r of rows) {
      if (!isProduction(r.environment ?? undefined, DEFAULT_DORA_OPTIONS))
        continue;
      const ref = lower(String(r.entity_ref));
      counts.set(ref, (counts.get(ref) ?? 0) + Number(r.n));
    }
    return counts;
  }

  /** Runs a fact source; a failure becomes a reason the facts are missing. */
  private async attempt<T>(
    what: string,
    fn: () => Promise<T>,
  ): Promise<{ value?: T; missing?: string }> {
    try {
      return { value: await fn() };
    } catch (e) {
      const message = `${what}: ${(e as Error).message}`;
      this.deps.logger.warn(`DX facts: ${message}`);
      return { missing: message };
    }
  }

  /** Every fact the scorecards need, for every entity they apply to. */
  async forScorecards(
    cards: Scorecard[],
    now: Date,
  ): Promise<{ facts: EntityFacts[]; missing: MissingFacts }> {
    const checks = cards.flatMap(c => c.checks);
    const uses = (name: string) => checks.some(c => c.check === name);
    const kinds = [...new Set(cards.flatMap(c => c.appliesTo.kinds))];
    const none = async () => undefined;
    const [catalog, slos, templates, docs, vulnerabilities] = await Promise.all(
      [
        this.catalog(kinds),
        this.attempt('SLOs', uses('has-slo') ? () => this.slos() : none),
        this.attempt(
          'template versions',
          uses('newest-template-version')
            ? () => this.newestTemplateVersions()
            : none,
        ),
        this.attempt('docs', uses('has-docs') ? () => this.docs() : none),
        // One inventory query for every entity and check.
        this.attempt(
          'known vulnerabilities',
          uses('no-known-vulnerabilities')
            ? () => this.vulnerabilities()
            : none,
        ),
      ],
    );
    const missing: MissingFacts = {};
    if (slos.missing) missing.slos = slos.missing;
    if (templates.missing) missing.templates = templates.missing;
    if (docs.missing) missing.docs = docs.missing;
    if (vulnerabilities.missing)
      missing.vulnerabilities = vulnerabilities.missing;

    // Flagged packages: one inventory query per listed package.
    const flagged = new Map<
      string,
      Record<string, Array<{ purl: string; version: string; reason?: string }>>
    >();
    const deployments = new Map<string, Record<string, number>>();
    for (const check of checks) {
      if (check.check === 'no-flagged-packages') {
        for (const p of check.packages) {
          const found = await this.attempt('packages', () =>
            this.packageUsages(p.package, p.range),
          );
          if (found.missing) {
            missing.packages = found.missing;
            continue;
          }
          for (const u of found.value ?? []) {
            const ref = lower(u.entityRef);
            const byCheck = flagged.get(ref) ?? {};
            (byCheck[check.id] ??= []).push({
              purl: u.purl,
              version: u.version,
              ...(p.reason ? { reason: p.reason } : {}),
            });
            flagged.set(ref, byCheck);
          }
        }
      } else if (check.check === 'deploys-at-least') {
        const counts = await this.deploymentsSince(
          new Date(now.getTime() - check.days * 86_400_000),
        );
        for (const [ref, n] of counts) {
          const byCheck = deployments.get(ref) ?? {};
          byCheck[check.id] = n;
          deployments.set(ref, byCheck);
        }
      }
    }

    const facts = catalog.entities.map(e =>
      this.entityFacts(e, catalog.principals, {
        slos: slos.value,
        templates: templates.value,
        docs: docs.value,
        flagged,
        vulnerabilities: vulnerabilities.value,
        deployments,
      }),
    );
    return { facts, missing };
  }

  /** The facts of one entity from what was gathered. */
  entityFacts(
    e: Entity,
    principals: Map<string, string>,
    gathered: {
      slos?: Map<string, number>;
      templates?: Map<string, string | undefined>;
      docs?: Set<string>;
      flagged?: Map<string, EntityFacts['flagged']>;
      vulnerabilities?: Map<string, KnownVulnerability[]>;
      deployments?: Map<string, Record<string, number>>;
    },
  ): EntityFacts {
    const ref = lower(stringifyEntityRef(e));
    const owner = e.relations?.find(
      r => r.type === RELATION_OWNED_BY,
    )?.targetRef;
    const annotations = e.metadata.annotations ?? {};
    const template = annotations[ANNOTATION_TEMPLATE]
      ? templateRef(annotations[ANNOTATION_TEMPLATE])
      : undefined;
    const spec = (e.spec ?? {}) as Record<string, unknown>;
    return {
      entityRef: ref,
      kind: e.kind,
      ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
      entity: {
        metadata: e.metadata as unknown as Record<string, unknown>,
        spec,
      },
      ...(owner ? { owner: lower(owner) } : {}),
      ...(owner && principals.has(lower(owner))
        ? { ownerName: principals.get(lower(owner)) }
        : {}),
      ownerExists: owner ? principals.has(lower(owner)) : false,
      slos: gathered.slos?.get(ref) ?? 0,
      ...(template
        ? {
            template: {
              ref: template,
              version: annotations[ANNOTATION_TEMPLATE_VERSION],
              newestVersion: gathered.templates?.get(template),
            },
          }
        : {}),
      docs: gathered.docs?.has(ref) ?? false,
      flagged: gathered.flagged?.get(ref) ?? {},
      vulnerabilities: gathered.vulnerabilities?.get(ref) ?? [],
      deployments: gathered.deployments?.get(ref) ?? {},
    };
  }
}
