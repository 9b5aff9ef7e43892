import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { SloStore } from '../store/SloStore';

export interface ProbeTarget {
  /** Name shown on the platform page and used as `spec.target`. */
  name: string;
  /** Backend plugin to call (with a service token); none: the backend root. */
  plugin?: string;
  /** Path below the plugin's base URL (or the backend's base URL). */
  path: string;
}

/** Probed when `slo.probe.targets` is not configured. */
export const DEFAULT_PROBE_TARGETS: ProbeTarget[] = [
  { name: 'backend', path: '/.backstage/health/v1/readiness' },
  { name: 'catalog', plugin: 'catalog', path: '/entities/by-query?limit=1' },
  { name: 'scaffolder', plugin: 'scaffolder', path: '/v2/actions' },
];

/**
 * The synthetic probe: calls each target once, as a service, and stores
 * whether it answered with 2xx within the timeout. Run once a minute by the
 * scheduler (one replica per run).
 */
export class Prober {
  constructor(
    private readonly options: {
      store: SloStore;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      backendBaseUrl: string;
      targets: ProbeTarget[];
      timeoutMs: number;
    },
  ) {}

  async probeAll(): Promise<Array<{ target: string; ok: boolean }>> {
    const results = await Promise.all(
      this.options.targets.map(t => this.probe(t)),
    );
    await this.options.store.insertProbeResults(results);
    return results;
  }

  private async probe(target: ProbeTarget) {
    const { auth, discovery, timeoutMs } = this.options;
    const ts = new Date();
    const started = performance.now();
    try {
      const headers: Record<string, string> = {};
      let base = this.options.backendBaseUrl.replace(/\/+$/, '');
      if (target.plugin) {
        base = await discovery.getBaseUrl(target.plugin);
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: target.plugin,
        });
        headers.authorization = `Bearer ${token}`;
      }
      const response = await fetch(`${base}${target.path}`, {
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      const latencyMs = Math.round(performance.now() - started);
      return {
        ts,
        target: target.name,
        ok: response.ok,
        latencyMs,
        status: response.status,
        ...(response.ok ? {} : { error: `HTTP ${response.status}` }),
      };
    } catch (e) {
      const error = e as Error & { cause?: { code?: string } };
      const message =
        error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : error.cause?.code ?? error.message;
      this.options.logger.warn(`probe ${target.name} failed: ${message}`);
      return {
        ts,
        target: target.name,
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: message,
      };
    }
  }
}
