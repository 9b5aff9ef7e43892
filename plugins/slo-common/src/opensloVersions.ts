import type { SloProblem } from './types';

/**
 * Reading `openslo/v1alpha` and `openslo.com/v2alpha` objects as OpenSLO v1,
 * the one form the parser evaluates (the versions the OpenSLO Go SDK reads).
 * Each field that has no v1 counterpart, or whose meaning changes on the
 * way, is one `unsupported` note with its path in the original object; what
 * cannot be converted at all is an `error`.
 */

/** apiVersion -> the version's short name. */
export const OPENSLO_VERSIONS = {
  'openslo/v1': 'v1',
  'openslo/v1alpha': 'v1alpha',
  'openslo.com/v2alpha': 'v2alpha',
} as const;
export type OpenSloVersion =
  (typeof OPENSLO_VERSIONS)[keyof typeof OPENSLO_VERSIONS];

/** Kinds each version defines. */
export const VERSION_KINDS: Record<OpenSloVersion, readonly string[]> = {
  v1: [
    'SLO',
    'SLI',
    'AlertPolicy',
    'AlertCondition',
    'AlertNotificationTarget',
    'DataSource',
    'Service',
  ],
  v1alpha: ['SLO', 'Service'],
  v2alpha: [
    'SLO',
    'SLI',
    'AlertPolicy',
    'AlertCondition',
    'AlertNotificationTarget',
    'DataSource',
    'Service',
  ],
};

export interface Converted {
  /** The object in v1 form (apiVersion `openslo/v1`). */
  value: Record<string, unknown>;
  /**
   * v1alpha SLOs give each objective its own ratio (`objectives[].ratioMetrics`):
   * the v1 SLI spec per objective index, where the objectives differ.
   */
  perObjective?: Array<Record<string, unknown> | undefined>;
  /** What was dropped or approximated, and what could not be converted. */
  notes: SloProblem[];
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether two plain values are the same (JSON); false when not comparable. */
export function sameValue(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * The object in v1 form. `at` is the object's path (`SLO name` or
 * `document 2`), `where` names its file and document for the notes.
 */
export function toV1(
  obj: Record<string, unknown>,
  version: OpenSloVersion,
  at: string,
  where: string,
): Converted {
  const notes: SloProblem[] = [];
  if (version === 'v1') return { value: obj, notes };
  const note = (
    path: string,
    message: string,
    severity: SloProblem['severity'] = 'unsupported',
  ) =>
    notes.push({
      path: `${at}${path}`,
      severity,
      message: `${
        version === 'v1alpha' ? 'openslo/v1alpha' : 'openslo.com/v2alpha'
      } (${where}): ${message}`,
    });
  const value = { ...obj, apiVersion: 'openslo/v1' };
  if (version === 'v1alpha') {
    if (obj.kind !== 'SLO' || !isRecord(obj.spec)) return { value, notes };
    const { spec, perObjective } = v1alphaSlo(obj.spec, note);
    return { value: { ...value, spec }, perObjective, notes };
  }
  if (!isRecord(obj.spec)) return { value, notes };
  if (obj.kind === 'SLO')
    return { value: { ...value, spec: v2alphaSlo(obj.spec) }, notes };
  if (obj.kind === 'SLI')
    return { value: { ...value, spec: v2alphaSli(obj.spec) }, notes };
  // AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource and
  // Service have the v1 shape.
  return { value, notes };
}

type Note = (
  path: string,
  message: string,
  severity?: SloProblem['severity'],
) => void;

// ---------------------------------------------------------------------------
// v1alpha: SLO and Service only. An SLO holds its threshold indicator
// (`indicator.thresholdMetric`) or a ratio per objective
// (`objectives[].ratioMetrics`), metrics as `{ source, queryType, query }`,
// windows as `{ unit, count }`.

const V1ALPHA_UNITS: Record<string, string> = {
  Minute: 'm',
  Hour: 'h',
  Day: 'd',
  Week: 'w',
  Month: 'M',
  Quarter: 'Q',
  Year: 'Y',
};

function v1alphaMetric(
  m: unknown,
  path: string,
  note: Note,
): Record<string, unknown> | unknown {
  if (!isRecord(m)) return m;
  const { source, queryType, query, ...rest } = m;
  if (queryType !== undefined && queryType !== null)
    note(
      `${path}.queryType`,
      `queryType dropped (v1 metric sources have none; the query is read as the source's own query)`,
    );
  return {
    ...rest,
    metricSource: {
      ...(source !== undefined ? { type: source } : {}),
      spec: query !== undefined ? { query } : {},
    },
  };
}

function v1alphaWindow(w: unknown, path: string, note: Note): unknown {
  if (!isRecord(w)) return w;
  const { unit, count, ...rest } = w;
  let duration: unknown;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    note(`${path}.count`, 'must be a whole number above 0', 'error');
  else if (unit === 'Second') {
    if (count % 60 === 0) duration = `${count / 60}m`;
    else
      note(
        path,
        `${count} Second is not whole minutes; windows are evaluated in minutes`,
        'error',
      );
  } else if (typeof unit === 'string' && Object.hasOwn(V1ALPHA_UNITS, unit))
    duration = `${count}${V1ALPHA_UNITS[unit]}`;
  else
    note(
      `${path}.unit`,
      `${
        typeof unit === 'string' ? unit : 'missing unit'
      }: one of Second, Day, Week, Month, Quarter`,
      'error',
    );
  return duration === undefined ? rest : { ...rest, duration };
}

function v1alphaSlo(
  spec: Record<string, unknown>,
  note: Note,
): {
  spec: Record<string, unknown>;
  perObjective?: Array<Record<string, unknown> | undefined>;
} {
  const { timeWindows, indicator, objectives, ...rest } = spec;
  const out: Record<string, unknown> = { ...rest };
  if (timeWindows !== undefined)
    out.timeWindow = Array.isArray(timeWindows)
      ? timeWindows.map((w, i) =>
          v1alphaWindow(w, `.spec.timeWindows[${i}]`, note),
        )
      : timeWindows;
  if (isRecord(indicator)) {
    const { thresholdMetric, ...other } = indicator;
    out.indicator = {
      spec: {
        ...other,
        ...(thresholdMetric !== undefined
          ? {
              thresholdMetric: v1alphaMetric(
                thresholdMetric,
                '.spec.indicator.thresholdMetric',
                note,
              ),
            }
          : {}),
      },
    };
  } else if (indicator !== undefined) out.indicator = indicator;
  let perObjective: Array<Record<string, unknown> | undefined> | undefined;
  if (Array.isArray(objectives)) {
    const ratios: Array<Record<string, unknown> | undefined> = [];
    out.objectives = objectives.map((o, i) => {
      if (!isRecord(o)) return o;
      const { ratioMetrics, ...objective } = o;
      if (!isRecord(ratioMetrics)) {
        ratios.push(undefined);
        return ratioMetrics === undefined ? o : { ...objective, ratioMetrics };
      }
      const at = `.spec.objectives[${i}].ratioMetrics`;
      const { good, total, incremental, ...other } = ratioMetrics;
      ratios.push({
        ratioMetric: {
          ...other,
          ...(incremental !== undefined ? { counter: incremental } : {}),
          ...(good !== undefined
            ? { good: v1alphaMetric(good, `${at}.good`, note) }
            : {}),
          ...(total !== undefined
            ? { total: v1alphaMetric(total, `${at}.total`, note) }
            : {}),
        },
      });
      if (objective.value !== undefined) {
        note(
          `.spec.objectives[${i}].value`,
          'value dropped: a ratio objective has no threshold value',
        );
        const { value: _v, ...withoutValue } = objective;
        return withoutValue;
      }
      return objective;
    });
    if (ratios.some(Boolean)) {
      if (indicator !== undefined)
        note(
          '.spec',
          "give indicator or objectives' ratioMetrics, not both",
          'error',
        );
      else if (
        ratios.every(r => r !== undefined) &&
        ratios.every(r => sameValue(r, ratios[0]))
      )
        // One ratio for every objective: the v1 SLO's indicator.
        out.indicator = { spec: ratios[0] };
      else perObjective = ratios;
    }
  } else if (objectives !== undefined) out.objectives = objectives;
  if (
    out.budgetingMethod === 'Timeslices' &&
    Array.isArray(out.objectives) &&
    out.objectives.some(o => isRecord(o) && o.timeSliceWindow === undefined)
  )
    note(
      '.spec.budgetingMethod',
      'v1alpha gives no timeSliceWindow: time slices of 1 minute are used',
    );
  return { spec: out, ...(perObjective ? { perObjective } : {}) };
}

// ---------------------------------------------------------------------------
// v2alpha: `serviceRef`, `sli`/`sliRef` (per SLO or per objective), metrics
// as `{ dataSourceRef | dataSourceSpec, spec }`. Alert policies, conditions,
// targets, data sources and services are as in v1.

function v2alphaMetric(m: unknown): unknown {
  if (!isRecord(m)) return m;
  const { dataSourceRef, dataSourceSpec, spec, ...rest } = m;
  const ds = isRecord(dataSourceSpec) ? dataSourceSpec : undefined;
  const details = ds?.connectionDetails;
  let connection: Record<string, unknown> = {};
  if (Array.isArray(details)) {
    for (const d of details) {
      if (isRecord(d)) connection = { ...connection, ...d };
    }
  } else if (isRecord(details)) {
    connection = { ...details };
  }
  return {
    ...rest,
    metricSource: {
      ...(dataSourceRef !== undefined
        ? { metricSourceRef: dataSourceRef }
        : {}),
      ...(ds?.type !== undefined ? { type: ds.type } : {}),
      spec: { ...connection, ...(isRecord(spec) ? spec : {}) },
    },
  };
}

function v2alphaSli(spec: Record<string, unknown>): Record<string, unknown> {
  const { thresholdMetric, ratioMetric, ...rest } = spec;
  const out: Record<string, unknown> = { ...rest };
  if (thresholdMetric !== undefined)
    out.thresholdMetric = v2alphaMetric(thresholdMetric);
  if (isRecord(ratioMetric)) {
    const { good, bad, total, raw, ...other } = ratioMetric;
    out.ratioMetric = {
      ...other,
      ...(good !== undefined ? { good: v2alphaMetric(good) } : {}),
      ...(bad !== undefined ? { bad: v2alphaMetric(bad) } : {}),
      ...(total !== undefined ? { total: v2alphaMetric(total) } : {}),
      ...(raw !== undefined ? { raw: v2alphaMetric(raw) } : {}),
    };
  } else if (ratioMetric !== undefined) out.ratioMetric = ratioMetric;
  return out;
}

function v2alphaInlineSli(sli: unknown): unknown {
  if (!isRecord(sli) || !isRecord(sli.spec)) return sli;
  return { ...sli, spec: v2alphaSli(sli.spec) };
}

function v2alphaSlo(spec: Record<string, unknown>): Record<string, unknown> {
  const { serviceRef, sli, sliRef, objectives, ...rest } = spec;
  const out: Record<string, unknown> = { ...rest };
  if (serviceRef !== undefined) out.service = serviceRef;
  if (sli !== undefined) out.indicator = v2alphaInlineSli(sli);
  if (sliRef !== undefined) out.indicatorRef = sliRef;
  if (Array.isArray(objectives))
    out.objectives = objectives.map(o => {
      if (!isRecord(o)) return o;
      const { sli: oSli, sliRef: oRef, ...objective } = o;
      return {
        ...objective,
        ...(oSli !== undefined ? { indicator: v2alphaInlineSli(oSli) } : {}),
        ...(oRef !== undefined ? { indicatorRef: oRef } : {}),
      };
    });
  else if (objectives !== undefined) out.objectives = objectives;
  return out;
}
