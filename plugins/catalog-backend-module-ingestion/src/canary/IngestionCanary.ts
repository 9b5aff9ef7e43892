import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import type {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { median, percentile } from '@internal/portal-common';
import type { Knex } from 'knex';

/** The entity the canary changes: `resource:portal/ingestion-canary`. */
export const CANARY_ENTITY_REF = 'resource:portal/ingestion-canary';
/** The annotation each change writes: when the change was made. */
export const ANNOTATION_CANARY_AT = 'portal.dev/canary-at';

export interface CanaryResult {
  startedAt: Date;
  /** Until the catalog API served the change; undefined: it did not. */
  visibleAfterMs?: number;
  timeoutMs: number;
  error?: string;
}

export interface CanarySummary {
  /** Canaries run in the range. */
  total: number;
  /** Of those, visible within the timeout. */
  visible: number;
  medianMs?: number;
  p95Ms?: number;
  last?: {
    startedAt: string;
    visibleAfterMs?: number;
    error?: string;
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Measures what people wait for: a change handed to the catalog (through
 * this module's own entity provider, as every discovered change is) until
 * the catalog API serves it. A catalog that stops processing turns every
 * canary into a miss, while the module's own scans still succeed.
 */
export class IngestionCanary implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      knex: Knex;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Owner of the canary entity (the platform group). */
      owner: string;
      /** How long a change may take before it counts as not visible. */
      timeoutMs: number;
      pollMs?: number;
      now?: () => Date;
    },
  ) {}

  getProviderName(): string {
    return 'portal-ingestion-canary';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  private entity(at: Date): Entity {
    const location = 'portal-ingestion-canary:catalog';
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'ingestion-canary',
        namespace: 'portal',
        title: 'Catalog ingestion canary',
        description:
          'Changed by the portal every few minutes to measure how long a change takes to show in the catalog (catalog.ingestion.canary).',
        annotations: {
          [ANNOTATION_CANARY_AT]: at.toISOString(),
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
        },
      },
      spec: { type: 'canary', owner: this.options.owner },
    };
  }

  /** One change, waited for; the result is stored and returned. */
  async run(): Promise<CanaryResult> {
    const { timeoutMs, catalog, auth } = this.options;
    const now = this.options.now ?? (() => new Date());
    const startedAt = now();
    const result: CanaryResult = { startedAt, timeoutMs };
    try {
      if (!this.connection)
        throw new Error('the canary is not connected to the catalog yet');
      const stamp = startedAt.toISOString();
      await this.connection.applyMutation({
        type: 'delta',
        added: [
          {
            entity: this.entity(startedAt),
            locationKey: this.getProviderName(),
          },
        ],
        removed: [],
      });
      const credentials = await auth.getOwnServiceCredentials();
      const deadline = startedAt.getTime() + timeoutMs;
      for (;;) {
        const entity = await catalog.getEntityByRef(CANARY_ENTITY_REF, {
          credentials,
        });
        const elapsed = Math.max(0, now().getTime() - startedAt.getTime());
        if (entity?.metadata.annotations?.[ANNOTATION_CANARY_AT] === stamp) {
          // Served, but later than the timeout: a miss all the same.
          if (elapsed <= timeoutMs) result.visibleAfterMs = elapsed;
          break;
        }
        if (now().getTime() >= deadline) break;
        await sleep(this.options.pollMs ?? 200);
      }
    } catch (e) {
      result.error = (e as Error).message;
    }
    if (result.visibleAfterMs === undefined)
      this.options.logger.warn(
        result.error
          ? `catalog ingestion canary could not run: ${result.error}`
          : `catalog ingestion canary: a change was not visible in the catalog API within ${timeoutMs} ms; the catalog may have stopped processing`,
      );
    await this.options.knex('ingestion_canaries').insert({
      started_at: startedAt,
      visible_after_ms: result.visibleAfterMs ?? null,
      timeout_ms: timeoutMs,
      error: result.error?.slice(0, 1000) ?? null,
    });
    return result;
  }

  /** Canaries started in [from, to). */
  async summary(from: Date, to: Date): Promise<CanarySummary> {
    const rows: Array<{
      started_at: unknown;
      visible_after_ms: number | null;
      error: string | null;
    }> = await this.options
      .knex('ingestion_canaries')
      .where('started_at', '>=', from)
      .andWhere('started_at', '<', to)
      .orderBy('started_at', 'asc')
      .select('started_at', 'visible_after_ms', 'error');
    const times = rows.flatMap(r =>
      r.visible_after_ms === null ? [] : [Number(r.visible_after_ms)],
    );
    const last = rows[rows.length - 1];
    return {
      total: rows.length,
      visible: times.length,
      ...(times.length
        ? { medianMs: median(times)!, p95Ms: percentile(times, 95)! }
        : {}),
      ...(last
        ? {
            last: {
              startedAt: new Date(last.started_at as string).toISOString(),
              ...(last.visible_after_ms !== null
                ? { visibleAfterMs: Number(last.visible_after_ms) }
                : {}),
              ...(last.error ? { error: last.error } : {}),
            },
          }
        : {}),
    };
  }

  /** Forgets canaries started before `before`. */
  async prune(before: Date): Promise<number> {
    return this.options
      .knex('ingestion_canaries')
      .where('started_at', '<', before)
      .delete();
  }
}
