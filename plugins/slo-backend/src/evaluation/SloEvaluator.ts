import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  burnRate,
  errorBudget,
  lookbackWindows,
  ruleFires,
  windowAt,
  PUSH_SOURCE,
  type AlertRuleState,
  type BurnRate,
  type SloAlertEvent,
  type SloSeriesPoint,
  type SloSpec,
  type SloState,
} from '@internal/plugin-slo-common';
import type { SliSource } from '@internal/plugin-slo-node';
import type {
  Counts,
  SloDefinitionRow,
  SloStatusRow,
  SloStore,
} from '../store/SloStore';
import { toBuckets } from './bucketize';

export interface EvaluatorSettings {
  /** Minutes the evaluation stays behind now, for late source data. */
  delayMinutes: number;
  /** How far back a new SLO's data is read. */
  backfillMinutes: number;
  /** At most this many minutes are read per SLO and cycle. */
  maxFetchMinutes: number;
  /** A source read taking longer fails with a timeout. */
  timeoutMs: number;
  /** SLOs evaluated at the same time. */
  concurrency: number;
}

export const DEFAULT_EVALUATOR_SETTINGS: EvaluatorSettings = {
  delayMinutes: 1,
  backfillMinutes: 7 * 1440,
  maxFetchMinutes: 7 * 1440,
  timeoutMs: 10_000,
  concurrency: 4,
};

/** Receives each alert state change once. */
export type AlertListener = (
  definition: SloDefinitionRow,
  event: SloAlertEvent,
) => Promise<void>;

const minus = (a: Counts, b: Counts): Counts => ({
  good: Math.max(0, a.good - b.good),
  total: Math.max(0, a.total - b.total),
});

/** Runs `work` over `items` with at most `n` at a time. */
async function pool<T>(
  items: T[],
  n: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, worker));
}

/**
 * Evaluates SLOs: reads new source data into minute buckets, then computes
 * the error budget, burn rates and alert states from the buckets' running
 * sums (a handful of index lookups per SLO, whatever the window) and
 * records alert state changes.
 */
export class SloEvaluator {
  private readonly sources: Map<string, SliSource>;

  constructor(
    private readonly options: {
      store: SloStore;
      sources: SliSource[];
      logger: LoggerService;
      settings: EvaluatorSettings;
      onAlert?: AlertListener;
    },
  ) {
    this.sources = new Map(
      options.sources.map(s => [s.type.toLocaleLowerCase('en-US'), s]),
    );
  }

  /** The source for a metric source type, if any. */
  source(type: string): SliSource | undefined {
    return this.sources.get(type.toLocaleLowerCase('en-US'));
  }

  sourceTypes(): string[] {
    return [...this.sources.values()].map(s => s.type).sort();
  }

  /** One cycle over every evaluable SLO; a failing SLO does not stop it. */
  async evaluateAll(
    now = new Date(),
  ): Promise<{ evaluated: number; failed: number; ms: number }> {
    const started = Date.now();
    const definitions = (await this.options.store.listDefinitions()).filter(
      d => d.spec,
    );
    let failed = 0;
    await pool(definitions, this.options.settings.concurrency, async d => {
      try {
        const status = await this.evaluate(d, now);
        if (status.state === 'error') failed++;
      } catch (error) {
        failed++;
        this.options.logger.error(
          `SLO ${d.id}: evaluation failed: ${(error as Error).message}`,
        );
      }
    });
    return {
      evaluated: definitions.length,
      failed,
      ms: Date.now() - started,
    };
  }

  /**
   * Drops the buckets of each SLO that its window (and a day more for the
   * charts) no longer reaches.
   */
  async pruneAll(now = new Date()): Promise<number> {
    let dropped = 0;
    for (const def of await this.options.store.listDefinitions()) {
      if (!def.spec) continue;
      const from = windowAt(def.spec.timeWindow, now).from.getTime();
      dropped += await this.options.store.pruneBuckets(
        def.id,
        Math.floor(from / 60_000) - 1440,
      );
    }
    return dropped;
  }

  /** Reads new data for one SLO, then computes and saves its status. */
  async evaluate(
    def: SloDefinitionRow,
    now = new Date(),
  ): Promise<SloStatusRow> {
    const spec = def.spec!;
    const { settings, store } = this.options;
    const nowMinute = Math.floor(now.getTime() / 60_000);
    let error: string | undefined;
    let endMinute: number;
    const source = this.source(def.sourceType);
    if (
      def.sourceType.toLocaleLowerCase('en-US') === PUSH_SOURCE.toLowerCase()
    ) {
      // Pushed counts are written as they arrive; include this minute.
      endMinute = nowMinute + 1;
    } else if (!source) {
      endMinute = def.cursorMinute ?? nowMinute;
      error = `no SLI source for metric source type "${
        def.sourceType
      }" (this portal has: ${this.sourceTypes().join(', ')})`;
    } else {
      const size =
        spec.budgetingMethod === 'Timeslices'
          ? spec.objective.timeSliceMinutes ?? 1
          : 1;
      const align = (m: number) => Math.floor(m / size) * size;
      let to = align(nowMinute - settings.delayMinutes);
      const from = def.cursorMinute ?? align(to - settings.backfillMinutes);
      if (to - from > settings.maxFetchMinutes)
        to = align(from + settings.maxFetchMinutes);
      endMinute = def.cursorMinute ?? from;
      if (to > from) {
        try {
          const samples = await this.fetch(source, def, from, to);
          await store.addCounts(def.id, toBuckets(spec, samples, from, to), to);
          endMinute = to;
        } catch (e) {
          error = `${source.type}: ${(e as Error).message}`;
        }
      }
    }
    return this.saveStatus(def, endMinute, now, error);
  }

  private async fetch(
    source: SliSource,
    def: SloDefinitionRow,
    from: number,
    to: number,
  ) {
    const { timeoutMs } = this.options.settings;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        source.fetch({
          slo: def.spec!,
          sloId: def.id,
          from: new Date(from * 60_000),
          to: new Date(to * 60_000),
          signal: controller.signal,
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Budget, burn rates and alert states with data up to `endMinute`. */
  async computeStatus(
    def: SloDefinitionRow,
    endMinute: number,
  ): Promise<{
    budget: ReturnType<typeof errorBudget>;
    burnRates: BurnRate[];
    alerts: AlertRuleState[];
  }> {
    const spec = def.spec!;
    const window = windowAt(spec.timeWindow, new Date(endMinute * 60_000));
    const windowFrom = Math.ceil(window.from.getTime() / 60_000);
    const lookbacks = lookbackWindows(spec.alerting.rules);
    const cum = await this.options.store.cumulativeAt(def.id, [
      endMinute,
      windowFrom,
      ...lookbacks.map(l => endMinute - l),
    ]);
    const end = cum.get(endMinute)!;
    const budget = errorBudget(
      spec,
      minus(end, cum.get(windowFrom)!),
      window.periodMinutes,
    );
    const rates = new Map(
      lookbacks.map(l => [
        l,
        burnRate(spec.objective.target, minus(end, cum.get(endMinute - l)!), l),
      ]),
    );
    const alerts = spec.alerting.rules.map(rule => {
      const long = rates.get(rule.longWindowMinutes)!;
      const short = rates.get(rule.shortWindowMinutes)!;
      return {
        rule,
        firing: ruleFires(rule, long, short),
        longRate: long.rate,
        shortRate: short.rate,
      };
    });
    return { budget, burnRates: [...rates.values()], alerts };
  }

  private async saveStatus(
    def: SloDefinitionRow,
    endMinute: number,
    now: Date,
    error?: string,
  ): Promise<SloStatusRow> {
    const { budget, burnRates, alerts } = await this.computeStatus(
      def,
      endMinute,
    );
    let state: SloState;
    if (error) state = 'error';
    else if (budget.total === 0) state = 'no-data';
    else if (budget.remaining <= 0) state = 'breaching';
    else if (alerts.some(a => a.firing)) state = 'warning';
    else state = 'ok';
    const at = now.toISOString();
    const status: SloStatusRow = {
      sloId: def.id,
      state,
      evaluatedAt: at,
      budget,
      burnRates,
      alerts: [],
      ...(error ? { error } : {}),
    };
    const events = await this.options.store.saveStatus(status, previous => {
      const before = new Map(previous.map(p => [p.rule.name, p]));
      status.alerts = alerts.map(a => {
        const prev = before.get(a.rule.name);
        const since = prev?.firing === a.firing ? prev.since : at;
        return since ? { ...a, since } : a;
      });
      return alerts
        .filter(a => a.firing !== (before.get(a.rule.name)?.firing ?? false))
        .map(a => ({
          rule: a.rule.name,
          severity: a.rule.severity,
          state: a.firing ? 'firing' : 'resolved',
          at,
          longRate: a.longRate,
          shortRate: a.shortRate,
        }));
    });
    for (const event of events) {
      try {
        await this.options.onAlert?.(def, event);
      } catch (e) {
        this.options.logger.warn(
          `SLO ${def.id}: alert notification failed: ${(e as Error).message}`,
        );
      }
    }
    return status;
  }

  /**
   * `points` steps over [from, to): the SLI within each step and the budget
   * remaining over the SLO window ending at the step's end.
   */
  async series(
    def: SloDefinitionRow,
    fromMinute: number,
    toMinute: number,
    points = 120,
  ): Promise<SloSeriesPoint[]> {
    const spec: SloSpec = def.spec!;
    const step = Math.max(1, Math.ceil((toMinute - fromMinute) / points));
    const ends: number[] = [];
    for (let m = toMinute; m > fromMinute && ends.length < points; m -= step)
      ends.unshift(m);
    const windows = ends.map(e => {
      const w = windowAt(spec.timeWindow, new Date(e * 60_000));
      return {
        start: Math.ceil(w.from.getTime() / 60_000),
        period: w.periodMinutes,
      };
    });
    const cum = await this.options.store.cumulativeAt(def.id, [
      ...ends,
      ...ends.map(e => e - step),
      ...windows.map(w => w.start),
    ]);
    return ends.map((e, i) => {
      const inStep = minus(cum.get(e)!, cum.get(e - step)!);
      const budget = errorBudget(
        spec,
        minus(cum.get(e)!, cum.get(windows[i].start)!),
        windows[i].period,
      );
      return {
        ts: new Date(e * 60_000).toISOString(),
        sli: inStep.total > 0 ? inStep.good / inStep.total : null,
        good: inStep.good,
        total: inStep.total,
        budgetRemaining: budget.remaining,
      };
    });
  }
}
