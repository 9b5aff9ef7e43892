import { TestDatabases } from '@backstage/backend-test-utils';
import { parseOpenSlo, type SloSpec } from '@internal/plugin-slo-common';
import { definition, testLogger } from '../__testUtils__/fixtures';
import {
  freePort,
  serve,
  startExporter,
  startPrometheus,
  type RunningPrometheus,
} from '../__testUtils__/prometheus';
import { minuteOf, toBuckets } from '../evaluation/bucketize';
import { SloEvaluator } from '../evaluation/SloEvaluator';
import { SloStore } from '../store/SloStore';
import { PrometheusSource } from './PrometheusSource';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const M0 = Math.floor(Date.now() / 60_000) - 180;

/**
 * Two hours of history a minute apart: 100 requests a minute, 2 of them
 * errors in the first hour and 10 in the second; a latency gauge at 0.1 s,
 * then 0.5 s.
 */
function history(): string {
  const lines = ['# TYPE fixture_history_requests counter'];
  const errorsAt = (k: number) => (k <= 60 ? 2 * k : 120 + 10 * (k - 60));
  for (const code of ['ok', 'error'])
    for (let k = 0; k <= 120; k++) {
      const errors = errorsAt(k);
      const value = code === 'ok' ? 100 * k - errors : errors;
      lines.push(
        `fixture_history_requests_total{code="${code}"} ${value} ${
          (M0 + k) * 60
        }`,
      );
    }
  lines.push('# TYPE fixture_history_latency_seconds gauge');
  for (let k = 0; k <= 120; k++)
    lines.push(
      `fixture_history_latency_seconds ${k <= 60 ? 0.1 : 0.5} ${(M0 + k) * 60}`,
    );
  lines.push('# EOF', '');
  return lines.join('\n');
}

function slo(name: string, indicator: string, objective: string): SloSpec {
  const parsed = parseOpenSlo(`
apiVersion: openslo/v1
kind: SLO
metadata: { name: ${name} }
spec:
  indicator:
    spec:
${indicator}
  timeWindow: [{ duration: 1d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [${objective}]
`);
  if (parsed.slos.length !== 1)
    throw new Error(JSON.stringify(parsed.problems));
  return parsed.slos[0];
}

const ratio = (good: string, total: string, extra = '') => `
      ratioMetric:
        counter: true
        good: { metricSource: { type: Prometheus, spec: { query: '${good}'${extra} } } }
        total: { metricSource: { type: Prometheus, spec: { query: '${total}'${extra} } } }`;

describe('PrometheusSource against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: history() });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reads two hours of counters and a gauge into minute buckets, exactly', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await SloStore.create({ knex });
    const evaluator = new SloEvaluator({
      store,
      logger: testLogger,
      sources: [
        new PrometheusSource({
          baseUrl: prometheus.url,
          allowedUrls: [],
          stepSeconds: 60,
          maxResponseBytes: 1e6,
        }),
      ],
      settings: {
        delayMinutes: 1,
        backfillMinutes: 1440,
        maxFetchMinutes: 1440,
        timeoutMs: 10_000,
        concurrency: 2,
      },
    });
    const requests = definition(
      slo(
        'requests',
        ratio(
          'sum(fixture_history_requests_total{code="ok"})',
          'sum(fixture_history_requests_total)',
        ),
        '{ target: 0.99 }',
      ),
    );
    const latency = definition(
      slo(
        'latency',
        `
      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: 'fixture_history_latency_seconds' } } }`,
        '{ op: lt, value: 0.3, target: 0.9 }',
      ),
    );
    await store.insertDefinitions([requests, latency]);
    const now = new Date((M0 + 121) * 60_000);
    const result = await evaluator.evaluateAll(now);
    expect(result).toMatchObject({ evaluated: 2, failed: 0 });

    // Stored: 100 a minute; 2 errors a minute in the first hour, 10 in the second.
    expect(await store.sumRaw(requests.id, M0, M0 + 60)).toEqual({
      good: 5880,
      total: 6000,
    });
    expect(await store.sumRaw(requests.id, M0 + 60, M0 + 120)).toEqual({
      good: 5400,
      total: 6000,
    });
    expect(await store.sumRaw(requests.id, 0, M0)).toEqual({
      good: 0,
      total: 0,
    });
    const status = (await store.getStatuses()).get(requests.id)!;
    // 720 errors of 12,000 against 1 % allowed (120): six budgets spent.
    expect(status.budget).toMatchObject({
      good: 11_280,
      total: 12_000,
      consumed: 720,
    });
    expect(status.budget!.remaining).toBeCloseTo(-5, 9);
    expect(status.state).toBe('breaching');
    expect(status.burnRates.find(b => b.windowMinutes === 5)!.rate).toBeCloseTo(
      10,
      9,
    );

    // The gauge: one value a minute (the reading at t describes the minute
    // before t), good while under 0.3 s: readings 0-60 good, 61-120 not.
    expect(await store.sumRaw(latency.id, 0, M0 + 200)).toEqual({
      good: 61,
      total: 121,
    });
    expect(await store.sumRaw(latency.id, M0 - 1, M0)).toEqual({
      good: 1,
      total: 1,
    });
  });

  it('bad sources fail their own SLO with a clear error; the others evaluate', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await SloStore.create({ knex });
    const html = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html>login</html>');
    });
    const vector = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [] },
        }),
      );
    });
    const hanging = await serve(() => {});
    const down = `http://127.0.0.1:${await freePort()}`;
    try {
      const source = new PrometheusSource({
        baseUrl: prometheus.url,
        allowedUrls: [html.url, vector.url, hanging.url, down],
        stepSeconds: 60,
        maxResponseBytes: 1e6,
      });
      const evaluator = new SloEvaluator({
        store,
        logger: testLogger,
        sources: [source],
        settings: {
          delayMinutes: 1,
          backfillMinutes: 120,
          maxFetchMinutes: 1440,
          timeoutMs: 1500,
          concurrency: 4,
        },
      });
      const good = 'sum(fixture_history_requests_total{code="ok"})';
      const total = 'sum(fixture_history_requests_total)';
      const at = (url: string) => `, url: '${url}'`;
      const defs = {
        fine: definition(slo('fine', ratio(good, total), '{ target: 0.99 }')),
        twoSeries: definition(
          slo(
            'two-series',
            ratio('fixture_history_requests_total', total),
            '{ target: 0.99 }',
          ),
        ),
        badQuery: definition(
          slo('bad-query', ratio('sum(', total), '{ target: 0.99 }'),
        ),
        html: definition(
          slo('html', ratio(good, total, at(html.url)), '{ target: 0.99 }'),
        ),
        vector: definition(
          slo('vector', ratio(good, total, at(vector.url)), '{ target: 0.99 }'),
        ),
        hanging: definition(
          slo(
            'hanging',
            ratio(good, total, at(hanging.url)),
            '{ target: 0.99 }',
          ),
        ),
        down: definition(
          slo('down', ratio(good, total, at(down)), '{ target: 0.99 }'),
        ),
      };
      await store.insertDefinitions(Object.values(defs));
      const result = await evaluator.evaluateAll(new Date((M0 + 121) * 60_000));
      expect(result).toMatchObject({ evaluated: 7, failed: 6 });
      const statuses = await store.getStatuses();
      const error = (d: { id: string }) => statuses.get(d.id)!.error;
      expect(statuses.get(defs.fine.id)!.state).toBe('breaching');
      expect(error(defs.twoSeries)).toBe(
        'Prometheus: query "fixture_history_requests_total" returns 2 series; it must return one (aggregate it, e.g. with sum())',
      );
      expect(error(defs.badQuery)).toMatch(
        /^Prometheus: HTTP 400: .*parse error/,
      );
      expect(error(defs.html)).toBe(
        'Prometheus: HTTP 200, not JSON: "<html>login</html>"',
      );
      expect(error(defs.vector)).toMatch(
        /^Prometheus: answered with something that is not a range query result \(data\.resultType: /,
      );
      expect(error(defs.hanging)).toBe('Prometheus: no answer within 1500 ms');
      expect(error(defs.down)).toBe(
        `Prometheus: cannot reach ${down}: ECONNREFUSED`,
      );
      // A URL that is not configured is refused before anything is asked.
      expect(
        source.validate({
          type: 'Prometheus',
          spec: { query: 'up', url: 'http://169.254.169.254' },
        }),
      ).toEqual([
        'url http://169.254.169.254 is not an allowed Prometheus (slo.prometheus.baseUrl or slo.prometheus.allowedUrls)',
      ]);
    } finally {
      await Promise.all([html.close(), vector.close(), hanging.close()]);
    }
  });
});

describe('PrometheusSource with an exporter scraped live', () => {
  it('turns scraped counters and histogram buckets into increases', async () => {
    const exporter = await startExporter();
    const prometheus = await startPrometheus({ scrape: exporter.url });
    try {
      const instant = async (query: string) => {
        const r = await fetch(
          `${prometheus.url}/api/v1/query?${new URLSearchParams({ query })}`,
        );
        const body = (await r.json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return body.data.result[0]
          ? Number(body.data.result[0].value[1])
          : undefined;
      };
      const waitFor = async (query: string, value: number) => {
        const deadline = Date.now() + 30_000;
        while ((await instant(query)) !== value) {
          if (Date.now() > deadline)
            throw new Error(`${query} never reached ${value}`);
          await new Promise(r => setTimeout(r, 250));
        }
      };
      await waitFor('sum(fixture_requests_total)', 0);
      const from = new Date(Math.floor(Date.now() / 1000) * 1000);
      await new Promise(r => setTimeout(r, 1500));
      Object.assign(exporter.state, { ok: 50, error: 10, fast: 40, count: 60 });
      await waitFor('sum(fixture_requests_total)', 60);
      await new Promise(r => setTimeout(r, 1500));
      const to = new Date(Math.ceil(Date.now() / 1000) * 1000);

      const source = new PrometheusSource({
        baseUrl: prometheus.url,
        allowedUrls: [],
        stepSeconds: 1,
        maxResponseBytes: 1e6,
      });
      for (const [good, total, expected] of [
        [
          'sum(fixture_requests_total{code="ok"})',
          'sum(fixture_requests_total)',
          { good: 50, total: 60 },
        ],
        [
          'sum(fixture_request_duration_seconds_bucket{le="0.3"})',
          'sum(fixture_request_duration_seconds_count)',
          { good: 40, total: 60 },
        ],
      ] as const) {
        const spec = slo('live', ratio(good, total), '{ target: 0.9 }');
        const samples = await source.fetch({
          slo: spec,
          sloId: 'live',
          from,
          to,
          signal: AbortSignal.timeout(10_000),
        });
        expect(samples.kind).toBe('counters');
        const buckets = toBuckets(
          spec,
          samples,
          minuteOf(from) - 1,
          minuteOf(to) + 1,
        );
        const sum = [...buckets.values()].reduce(
          (s, c) => ({ good: s.good + c.good, total: s.total + c.total }),
          { good: 0, total: 0 },
        );
        expect(sum).toEqual(expected);
      }
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
  });
});
