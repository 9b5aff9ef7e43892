import type { MetricSourceSpec, SloSpec } from '@internal/plugin-slo-common';
import type {
  SliFetchRequest,
  SliSamples,
  SliSource,
} from '@internal/plugin-slo-node';
import { z } from 'zod';
import { assertAllowedTarget, forbiddenTarget } from './outboundGuard';

export interface PrometheusSettings {
  /** The Prometheus SLO queries go to, e.g. `http://prometheus:9090`. */
  baseUrl?: string;
  /**
   * Other Prometheus servers an SLO may name (DataSource
   * `connectionDetails.url`); any other URL is refused.
   */
  allowedUrls: string[];
  /** Resolution of range queries, seconds (default 60). */
  stepSeconds: number;
  /** Answers larger than this are refused (default 20 MB). */
  maxResponseBytes: number;
}

const matrix = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        values: z.array(z.tuple([z.number(), z.string()])),
      }),
    ),
  }),
});

/** Prometheus keeps range queries under 11,000 points. */
const MAX_POINTS = 10_000;

/**
 * Reads SLIs from Prometheus with range queries. Ratio SLIs run the good (or
 * bad) and the total query; with `counter: true` their readings are counter
 * values, otherwise the number of events per step. Threshold SLIs give one
 * value per step. Each query must return one series (wrap it in `sum()`).
 */
export class PrometheusSource implements SliSource {
  readonly type = 'Prometheus';

  constructor(private readonly settings: PrometheusSettings) {
    for (const url of [settings.baseUrl, ...settings.allowedUrls]) {
      const reason = url && forbiddenTarget(url);
      if (reason)
        throw new Error(
          `slo.prometheus: ${url} cannot be a Prometheus: ${reason}`,
        );
    }
  }

  validate(metric: MetricSourceSpec): string[] {
    const problems: string[] = [];
    if (typeof metric.spec.query !== 'string' || !metric.spec.query.trim())
      problems.push('spec.query: missing (a PromQL expression)');
    try {
      this.baseUrl(metric);
    } catch (e) {
      problems.push((e as Error).message);
    }
    return problems;
  }

  private baseUrl(metric: MetricSourceSpec): string {
    const named =
      typeof metric.spec.url === 'string' ? metric.spec.url : undefined;
    const strip = (u: string) => u.replace(/\/+$/, '');
    if (named) {
      const allowed = [this.settings.baseUrl, ...this.settings.allowedUrls]
        .filter((u): u is string => Boolean(u))
        .map(strip);
      if (!allowed.includes(strip(named)))
        throw new Error(
          `url ${named} is not an allowed Prometheus (slo.prometheus.baseUrl or slo.prometheus.allowedUrls)`,
        );
      return strip(named);
    }
    if (!this.settings.baseUrl)
      throw new Error('no Prometheus configured (slo.prometheus.baseUrl)');
    return strip(this.settings.baseUrl);
  }

  async fetch(request: SliFetchRequest): Promise<SliSamples> {
    const { slo } = request;
    const ind = slo.indicator;
    if (ind.kind === 'threshold') {
      const values = await this.range(ind.metric, request, 0);
      return {
        kind: 'values',
        samples: values.map(([ts, value]) => ({ ts, value })),
      };
    }
    const counter = ind.counter;
    // Counters need the reading one step before `from` as a baseline.
    const lead = counter ? this.settings.stepSeconds : 0;
    const goodOrBad = (ind.good ?? ind.bad)!;
    const [part, total] = await Promise.all([
      this.range(goodOrBad, request, lead),
      this.range(ind.total, request, lead),
    ]);
    const partAt = new Map(part.map(([ts, v]) => [ts.getTime(), v]));
    const samples = total
      .filter(([ts]) => partAt.has(ts.getTime()))
      .map(([ts, t]) => {
        const p = partAt.get(ts.getTime())!;
        return { ts, total: t, good: ind.good ? p : t - p };
      });
    if (counter) {
      // "bad" counters: good = total - bad is not itself a counter across
      // resets, but its increases are, which is what is summed.
      return { kind: 'counters', samples };
    }
    return { kind: 'counts', samples };
  }

  /** One range query, split to stay under Prometheus' point limit. */
  private async range(
    metric: MetricSourceSpec,
    request: SliFetchRequest,
    leadSeconds: number,
  ): Promise<Array<[Date, number]>> {
    const base = this.baseUrl(metric);
    const query = metric.spec.query;
    if (typeof query !== 'string' || !query.trim())
      throw new Error('spec.query: missing (a PromQL expression)');
    const step = this.settings.stepSeconds;
    // Samples at the end of each step: (from, to] in steps, read as
    // belonging to the step that ends there... minus one step, so that a
    // sample lands in the minute it describes.
    const start = request.from.getTime() / 1000 + step - leadSeconds;
    const end = request.to.getTime() / 1000;
    const out: Array<[Date, number]> = [];
    for (let s = start; s <= end; s += step * MAX_POINTS) {
      const e = Math.min(end, s + step * (MAX_POINTS - 1));
      const url = `${base}/api/v1/query_range?${new URLSearchParams({
        query,
        start: String(s),
        end: String(e),
        step: String(step),
      })}`;
      const body = await this.get(url, request.signal);
      const parsed = matrix.safeParse(body);
      if (!parsed.success)
        throw new Error(
          `answered with something that is not a range query result (${parsed.error.issues
            .slice(0, 2)
            .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')})`,
        );
      const series = parsed.data.data.result;
      if (series.length > 1)
        throw new Error(
          `query "${query}" returns ${series.length} series; it must return one (aggregate it, e.g. with sum())`,
        );
      for (const [t, v] of series[0]?.values ?? []) {
        const value = Number(v);
        // The step ending at t describes the minute before it.
        if (Number.isFinite(value))
          out.push([new Date((t - step) * 1000), value]);
      }
    }
    return out;
  }

  private async get(url: string, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      await assertAllowedTarget(url);
      // Redirects are not followed: they could lead anywhere.
      response = await fetch(url, {
        signal,
        redirect: 'manual',
        headers: { accept: 'application/json' },
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `cannot reach ${new URL(url).origin}: ${cause ?? (e as Error).message}`,
      );
    }
    if (response.status >= 300 && response.status < 400)
      throw new Error(
        `${new URL(url).origin} answered with a redirect (HTTP ${
          response.status
        } to ${
          response.headers.get('location') ?? 'nowhere'
        }); redirects are not followed`,
      );
    const text = await response.text();
    if (text.length > this.settings.maxResponseBytes)
      throw new Error(
        `answer over ${this.settings.maxResponseBytes} bytes refused`,
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `HTTP ${response.status}, not JSON: ${JSON.stringify(
          text.slice(0, 120),
        )}`,
      );
    }
    if (!response.ok) {
      const msg = (body as { error?: string })?.error;
      throw new Error(`HTTP ${response.status}${msg ? `: ${msg}` : ''}`);
    }
    return body;
  }
}

/** Whether an SLO reads from Prometheus. */
export const readsPrometheus = (slo: SloSpec) =>
  (slo.indicator.kind === 'ratio'
    ? slo.indicator.total.type
    : slo.indicator.metric.type
  ).toLowerCase() === 'prometheus';
