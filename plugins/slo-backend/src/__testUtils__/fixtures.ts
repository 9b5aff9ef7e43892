import { mockServices } from '@backstage/backend-test-utils';
import { parseOpenSlo, type SloSpec } from '@internal/plugin-slo-common';
import type { SliSamples, SliSource } from '@internal/plugin-slo-node';
import type { SloDefinitionRow } from '../store/SloStore';

/** An OpenSLO ratio SLO reading from `type`, parsed. */
export function ratioSpec(
  options: {
    name?: string;
    type?: string;
    target?: number;
    window?: string;
    extra?: string;
  } = {},
): SloSpec {
  const type = options.type ?? 'Fixture';
  const parsed = parseOpenSlo(`
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${options.name ?? 'checkout'}
spec:
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: ${type}, spec: { series: good } } }
        total: { metricSource: { type: ${type}, spec: { series: total } } }
  timeWindow: [{ duration: ${options.window ?? '1d'}, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: ${options.target ?? 0.99} }]
${options.extra ?? ''}`);
  if (parsed.slos.length !== 1)
    throw new Error(JSON.stringify(parsed.problems));
  return parsed.slos[0];
}

export function definition(
  spec: SloSpec,
  overrides: Partial<SloDefinitionRow> = {},
): SloDefinitionRow {
  const entityRef = overrides.entityRef ?? 'component:default/checkout';
  return {
    id: `${entityRef}/${spec.name}`,
    entityRef,
    ownerRef: 'group:default/team-a',
    origin: 'repository',
    name: spec.name,
    sourceType:
      spec.indicator.kind === 'ratio'
        ? spec.indicator.total.type
        : spec.indicator.metric.type,
    spec,
    problems: [],
    ...overrides,
  };
}

/**
 * A source with a known series: `perMinute(minute)` good and total events
 * each minute, as a real source would report them. Records each read.
 */
export class SeriesSource implements SliSource {
  readonly reads: Array<{ from: number; to: number }> = [];

  constructor(
    readonly type: string,
    private readonly perMinute: (minute: number) => {
      good: number;
      total: number;
    },
  ) {}

  async fetch(request: { from: Date; to: Date }): Promise<SliSamples> {
    const from = request.from.getTime() / 60_000;
    const to = request.to.getTime() / 60_000;
    this.reads.push({ from, to });
    const samples = [];
    for (let m = from; m < to; m++)
      samples.push({ ts: new Date(m * 60_000 + 30_000), ...this.perMinute(m) });
    return { kind: 'counts', samples };
  }
}

export const testLogger = mockServices.logger.mock();
