import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

export const SERVICE_NAME = process.env.OTEL_SERVICE_NAME ?? '${{ values.name }}';

/** Everything /metrics serves, labelled with the service name. */
export const registry = new Registry();
registry.setDefaultLabels({ service: SERVICE_NAME });
collectDefaultMetrics({ register: registry });

// The SLO in slo.yaml divides non-5xx requests by all requests of this counter.
const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, route and status code',
  labelNames: ['method', 'route', 'code'] as const,
  registers: [registry],
});

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to handle an HTTP request, by method, route and status code',
  labelNames: ['method', 'route', 'code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Counts one finished request; `started` comes from process.hrtime.bigint(). */
export function observeRequest(
  method: string,
  route: string,
  code: number,
  started: bigint,
): void {
  const labels = { method, route, code: String(code) };
  requests.inc(labels);
  duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
}
