import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  IngestionClient,
  type IngestionHealth,
} from '@internal/plugin-catalog-ingestion-common';
import { asService } from '@internal/portal-common';
import {
  PORTAL_METRICS,
  PORTAL_SOURCE,
  type MetricSourceSpec,
  type PortalMetric,
} from '@internal/plugin-slo-common';
import type {
  SliFetchRequest,
  SliSamples,
  SliSource,
} from '@internal/plugin-slo-node';
import type { SloStore } from '../store/SloStore';

const minute = (d: Date) => Math.floor(d.getTime() / 60_000);

/**
 * The platform measuring itself (`type: Portal`, `spec.metric`):
 * - `availability`: the portal's probes of its own endpoints (optionally
 *   `spec.target`), good when answered with 2xx in time;
 * - `provisioning-success`: finished scaffolder tasks, good when completed;
 * - `provisioning-time`: seconds from task creation to completion, one
 *   value per completed task (a threshold SLI);
 * - `ingestion-success`: catalog ingestion runs that finished their listing,
 *   from the ingestion health API;
 * - `ingestion-visibility`: the ingestion canary's changes the catalog API
 *   served within the canary's timeout (what people wait for: red when
 *   the catalog stops processing, while the scans still succeed).
 */
export class PortalSource implements SliSource {
  readonly type = PORTAL_SOURCE;

  constructor(
    private readonly options: {
      store: SloStore;
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  validate(metric: MetricSourceSpec): string[] {
    const m = metric.spec.metric;
    return PORTAL_METRICS.includes(m as PortalMetric)
      ? []
      : [
          `spec.metric: ${JSON.stringify(
            m,
          )} is not one of ${PORTAL_METRICS.join(', ')}`,
        ];
  }

  async fetch(request: SliFetchRequest): Promise<SliSamples> {
    const ind = request.slo.indicator;
    const spec = ind.kind === 'ratio' ? ind.total.spec : ind.metric.spec;
    const from = minute(request.from);
    const to = minute(request.to);
    const { store } = this.options;
    switch (spec.metric as PortalMetric) {
      case 'availability': {
        const target =
          typeof spec.target === 'string' ? spec.target : undefined;
        const rows = await store.probeCounts(from, to, target);
        return {
          kind: 'counts',
          samples: rows.map(r => ({
            ts: new Date(r.minute * 60_000),
            good: r.good,
            total: r.total,
          })),
        };
      }
      case 'provisioning-success': {
        const runs = await store.provisioningRuns(from, to);
        return {
          kind: 'counts',
          samples: runs.map(r => ({
            ts: r.finishedAt,
            good: r.status === 'completed' ? 1 : 0,
            total: 1,
          })),
        };
      }
      case 'provisioning-time': {
        const runs = await store.provisioningRuns(from, to);
        return {
          kind: 'values',
          samples: runs
            .filter(r => r.status === 'completed')
            .map(r => ({ ts: r.finishedAt, value: r.durationSeconds })),
        };
      }
      case 'ingestion-success':
        return this.ingestion(from, to, request.signal, h => ({
          good: h.good,
          total: h.runs,
        }));
      case 'ingestion-visibility':
        return this.ingestion(from, to, request.signal, h => ({
          good: h.canary?.visible ?? 0,
          total: h.canary?.total ?? 0,
        }));
      default:
        throw new Error(
          `spec.metric: ${JSON.stringify(
            spec.metric,
          )} is not one of ${PORTAL_METRICS.join(', ')}`,
        );
    }
  }

  /**
   * Counts from the ingestion health per span (runs, or canaries): up to
   * 60 spans per read, each counted at its last minute (a one-minute cycle
   * gives one-minute resolution).
   */
  private async ingestion(
    from: number,
    to: number,
    signal: AbortSignal,
    count: (health: IngestionHealth) => { good: number; total: number },
  ): Promise<SliSamples> {
    const span = Math.max(1, Math.ceil((to - from) / 60));
    const samples: Array<{ ts: Date; good: number; total: number }> = [];
    const ingestion = new IngestionClient({
      discoveryApi: this.options.discovery,
    });
    const asPortal = await asService(this.options.auth, 'catalog', signal);
    for (let start = from; start < to; start += span) {
      const end = Math.min(to, start + span);
      const health = await ingestion.getHealth(
        {
          from: new Date(start * 60_000),
          to: new Date(end * 60_000),
        },
        asPortal,
      );
      const { good, total } = count(health);
      if (total > 0)
        samples.push({ ts: new Date((end - 1) * 60_000), good, total });
    }
    return { kind: 'counts', samples };
  }
}
