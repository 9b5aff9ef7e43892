import { DateTime, IANAZone } from 'luxon';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { DEFAULT_BURN_RATE_RULES, durationMinutes } from './budget';
import type {
  BurnRateRule,
  ComparisonOp,
  IndicatorSpec,
  MetricSourceSpec,
  SloProblem,
  SloSpec,
  TimeWindowSpec,
} from './types';

/**
 * OpenSLO v1 (https://github.com/OpenSLO/OpenSLO): SLO, SLI, AlertPolicy,
 * AlertCondition, AlertNotificationTarget, DataSource and Service objects,
 * as multi-document YAML or as YAML lists of objects. Each field the portal
 * does not act on is reported as `unsupported` with its path; each invalid
 * field is an `error`, and an SLO with an error is rejected whole.
 */

const KINDS = [
  'SLO',
  'SLI',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
  'DataSource',
  'Service',
] as const;
type Kind = (typeof KINDS)[number];

const name = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/i,
    'must be letters, digits, "-", "_" or "." (starting and ending with a letter or digit)',
  );
const op = z.enum(['lt', 'lte', 'gt', 'gte']);
const duration = z
  .string()
  .regex(/^\d+[mhdwMQY]$/, 'must be a number and a unit (m h d w M Q Y)');

const metadata = z.object({
  name,
  displayName: z.string().max(1000).optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
const metricSource = z.object({
  metricSourceRef: z.string().optional(),
  type: z.string().min(1).optional(),
  spec: z.record(z.string(), z.unknown()).nullish(),
});
const metricWrapper = z.object({ metricSource });
const sliSpec = z.object({
  description: z.string().optional(),
  ratioMetric: z
    .object({
      counter: z.boolean().optional(),
      good: metricWrapper.optional(),
      bad: metricWrapper.optional(),
      total: metricWrapper.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
      raw: metricWrapper.optional(),
    })
    .optional(),
  thresholdMetric: metricWrapper.optional(),
});
const sli = z.object({ metadata, spec: sliSpec });
const conditionSpec = z.object({
  description: z.string().optional(),
  severity: z.string().min(1).max(100),
  condition: z.object({
    kind: z.literal('burnrate'),
    op: op.optional(),
    threshold: z.number().positive(),
    lookbackWindow: duration,
    alertAfter: duration,
  }),
});
const conditionItem = z
  .object({
    conditionRef: z.string().optional(),
    kind: z.literal('AlertCondition').optional(),
    metadata: metadata.optional(),
    spec: conditionSpec.optional(),
  })
  .refine(c => c.conditionRef !== undefined || c.spec !== undefined, {
    message:
      'needs conditionRef or an inline AlertCondition (kind, metadata, spec)',
  });
const policySpec = z.object({
  description: z.string().optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z.array(conditionItem).min(1, 'needs at least one condition'),
  notificationTargets: z.array(z.unknown()).optional(),
});
const policyItem = z.preprocess(
  // A plain name is a reference (as in OpenSLO's own schema tests).
  v => (typeof v === 'string' ? { alertPolicyRef: v } : v),
  z.object({
    alertPolicyRef: z.string().optional(),
    kind: z.literal('AlertPolicy').optional(),
    metadata: metadata.optional(),
    spec: policySpec.optional(),
  }),
);
const targetShare = z
  .number()
  .gt(0, 'must be above 0')
  .lt(1, 'must be below 1 (a share, e.g. 0.995)');
const objective = z.object({
  displayName: z.string().optional(),
  op: op.optional(),
  value: z.number().optional(),
  target: targetShare.optional(),
  targetPercent: z
    .number()
    .gt(0, 'must be above 0')
    .lt(100, 'must be below 100')
    .optional(),
  timeSliceTarget: z.number().gt(0).lte(1).optional(),
  timeSliceWindow: duration.optional(),
  indicator: z.unknown().optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().optional(),
});
const sloSpec = z.object({
  description: z.string().optional(),
  service: z.string().optional(),
  indicator: z
    .object({ metadata: metadata.optional(), spec: sliSpec })
    .optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z
    .array(
      z.object({
        duration,
        isRolling: z.boolean().optional(),
        calendar: z
          .object({ startTime: z.string(), timeZone: z.string() })
          .optional(),
      }),
    )
    .length(1, 'must hold exactly one window'),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
  objectives: z.array(objective).min(1, 'needs at least one objective'),
  alertPolicies: z.array(policyItem).nullish(),
});

/** Fields the portal reads but does not act on, with why. */
const IGNORED: Record<string, string> = {
  labels: 'labels are kept in the file only',
  annotations: 'annotations are kept in the file only',
  notificationTargets:
    'alerts go to the owning group through Backstage notifications',
  alertWhenNoData: 'no-data alerts are not sent',
  alertWhenResolved: 'resolved alerts are always sent',
  alertWhenBreaching: 'breaching alerts are always sent',
  compositeWeight: 'composite SLOs are not supported',
};

export interface ParsedOpenSlo {
  /** One entry per objective of each valid SLO. */
  slos: SloSpec[];
  /** SLOs that cannot be evaluated, with why. */
  rejected: Array<{ name: string; problems: SloProblem[] }>;
  /** Every problem, including those of rejected SLOs. */
  problems: SloProblem[];
  /** How many objects of each kind were read. */
  kinds: Partial<Record<Kind, number>>;
}

interface RawObject {
  kind: Kind;
  name: string;
  at: string;
  value: Record<string, unknown>;
}

const fieldPath = (prefix: string, path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>(
    (acc, key) =>
      typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`,
    prefix,
  );

/** Reports keys of `value` that `schema` does not know, recursively. */
function unknownFields(
  schema: z.ZodType,
  value: unknown,
  at: string,
  out: SloProblem[],
): void {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault
    )
      s = (s as z.ZodOptional<z.ZodType>).unwrap();
    else break;
  }
  if (s instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((v, i) =>
      unknownFields(s.element as z.ZodType, v, `${at}[${i}]`, out),
    );
    return;
  }
  if (
    !(s instanceof z.ZodObject) ||
    typeof value !== 'object' ||
    value === null
  )
    return;
  const shape = s.shape as Record<string, z.ZodType>;
  for (const [key, v] of Object.entries(value)) {
    const path = `${at}.${key}`;
    // Own keys only: "toString" or "__proto__" is an unknown field too.
    if (!Object.hasOwn(shape, key)) {
      out.push({ path, severity: 'unsupported', message: 'unknown field' });
    } else if (Object.hasOwn(IGNORED, key) && v !== undefined && v !== null) {
      out.push({ path, severity: 'unsupported', message: IGNORED[key] });
    } else if (key !== 'spec' || !at.endsWith('metricSource')) {
      unknownFields(shape[key], v, path, out);
    }
  }
}

function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  at: string,
  problems: SloProblem[],
): z.infer<T> | undefined {
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues)
      problems.push({
        path: fieldPath(at, issue.path),
        severity: 'error',
        message: issue.message.replace(
          /^Invalid input: expected (.+), received undefined$/,
          'missing (expected $1)',
        ),
      });
    return undefined;
  }
  unknownFields(schema, value, at, problems);
  return result.data;
}

/** A value for a message: a string as is, anything else as JSON, short. */
function shown(value: unknown): string {
  let s: string | undefined;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    s = undefined;
  }
  s ??= Object.prototype.toString.call(value);
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

/** Reads the YAML into OpenSLO objects; problems for what is not one. */
function readObjects(text: string, problems: SloProblem[]): RawObject[] {
  const objects: RawObject[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, d) => {
    const docAt = `document ${d + 1}`;
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({
          path: `${docAt} line ${e.linePos?.[0]?.line ?? '?'}`,
          severity: 'error',
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
        });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({
        path: docAt,
        severity: 'error',
        message: `refused: ${(error as Error).message}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      const at = Array.isArray(value) ? `${docAt}[${i}]` : docAt;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        problems.push({
          path: at,
          severity: 'error',
          message: 'not an OpenSLO object (a mapping with apiVersion and kind)',
        });
        return;
      }
      const obj = item as Record<string, unknown>;
      if (obj.apiVersion !== 'openslo/v1') {
        problems.push({
          path: `${at}.apiVersion`,
          severity: 'error',
          message:
            typeof obj.apiVersion === 'string'
              ? `${obj.apiVersion} is not supported (openslo/v1 is)`
              : 'missing (openslo/v1 expected)',
        });
        return;
      }
      if (!KINDS.includes(obj.kind as Kind)) {
        problems.push({
          path: `${at}.kind`,
          severity: 'error',
          message:
            obj.kind === undefined || obj.kind === null
              ? `missing (${KINDS.join(', ')})`
              : `${shown(obj.kind)} is not an OpenSLO v1 kind (${KINDS.join(
                  ', ',
                )})`,
        });
        return;
      }
      const meta = obj.metadata as Record<string, unknown> | undefined;
      const objName = typeof meta?.name === 'string' ? meta.name : '';
      objects.push({
        kind: obj.kind as Kind,
        name: objName,
        at: objName ? `${obj.kind} ${objName}` : at,
        value: obj,
      });
    });
  });
  return objects;
}

function metric(
  raw: z.infer<typeof metricWrapper> | undefined,
  dataSources: Map<string, RawObject>,
  at: string,
  problems: SloProblem[],
): MetricSourceSpec | undefined {
  if (!raw) return undefined;
  const ms = raw.metricSource;
  const ref = ms.metricSourceRef;
  const ds = ref ? dataSources.get(ref) : undefined;
  const dsSpec = ds?.value.spec as Record<string, unknown> | undefined;
  const type = ms.type ?? (dsSpec?.type as string | undefined);
  if (!type) {
    problems.push({
      path: `${at}.metricSource.type`,
      severity: 'error',
      message: ref
        ? `missing, and no DataSource named ${ref} gives one`
        : 'missing',
    });
    return undefined;
  }
  const details = dsSpec?.connectionDetails;
  const connection = Array.isArray(details)
    ? Object.assign({}, ...details)
    : (details as Record<string, unknown> | undefined) ?? {};
  return {
    type,
    spec: { ...connection, ...(ms.spec ?? {}) },
    ...(ref ? { metricSourceRef: ref } : {}),
  };
}

function indicator(
  spec: z.infer<typeof sliSpec>,
  dataSources: Map<string, RawObject>,
  at: string,
  problems: SloProblem[],
): IndicatorSpec | undefined {
  const before = problems.filter(p => p.severity === 'error').length;
  const errors = () =>
    problems.filter(p => p.severity === 'error').length > before;
  if (spec.ratioMetric && spec.thresholdMetric) {
    problems.push({
      path: at,
      severity: 'error',
      message: 'has both ratioMetric and thresholdMetric; it needs one',
    });
    return undefined;
  }
  if (spec.thresholdMetric) {
    const m = metric(
      spec.thresholdMetric,
      dataSources,
      `${at}.thresholdMetric`,
      problems,
    );
    return m && !errors() ? { kind: 'threshold', metric: m } : undefined;
  }
  const r = spec.ratioMetric;
  if (!r) {
    problems.push({
      path: at,
      severity: 'error',
      message: 'needs ratioMetric or thresholdMetric',
    });
    return undefined;
  }
  if (r.raw) {
    problems.push({
      path: `${at}.ratioMetric.raw`,
      severity: 'error',
      message:
        'raw ratios (a query that computes the ratio itself) are not supported: give good (or bad) and total',
    });
    return undefined;
  }
  const ratioAt = `${at}.ratioMetric`;
  const good = metric(r.good, dataSources, `${ratioAt}.good`, problems);
  const bad = metric(r.bad, dataSources, `${ratioAt}.bad`, problems);
  const total = metric(r.total, dataSources, `${ratioAt}.total`, problems);
  if (!total && !errors())
    problems.push({
      path: `${ratioAt}.total`,
      severity: 'error',
      message: 'missing',
    });
  if (!good && !bad && !errors())
    problems.push({
      path: ratioAt,
      severity: 'error',
      message: 'needs good or bad',
    });
  if (good && bad)
    problems.push({
      path: `${ratioAt}.bad`,
      severity: 'error',
      message: 'give good or bad, not both',
    });
  if (errors() || !total) return undefined;
  return {
    kind: 'ratio',
    counter: r.counter ?? false,
    ...(good ? { good } : { bad }),
    total,
  };
}

function alertRules(
  items: z.infer<typeof policyItem>[] | null | undefined,
  policies: Map<string, RawObject>,
  conditions: Map<string, RawObject>,
  at: string,
  problems: SloProblem[],
): BurnRateRule[] {
  const rules: BurnRateRule[] = [];
  (items ?? []).forEach((item, p) => {
    const itemAt = `${at}.alertPolicies[${p}]`;
    let spec = item.spec;
    let policyName = item.metadata?.name ?? `policy-${p + 1}`;
    if (item.alertPolicyRef) {
      const ref = policies.get(item.alertPolicyRef);
      if (!ref) {
        problems.push({
          path: `${itemAt}.alertPolicyRef`,
          severity: 'error',
          message: `no AlertPolicy named ${item.alertPolicyRef} in the file`,
        });
        return;
      }
      spec = check(policySpec, ref.value.spec, `${ref.at}.spec`, []);
      policyName = ref.name;
    }
    if (!spec) {
      problems.push({
        path: itemAt,
        severity: 'error',
        message: 'needs alertPolicyRef or an inline spec',
      });
      return;
    }
    spec.conditions.forEach((c, i) => {
      const cAt = `${itemAt}.spec.conditions[${i}]`;
      let cSpec = c.spec;
      let cName = c.metadata?.name ?? `condition-${i + 1}`;
      if (c.conditionRef) {
        const ref = conditions.get(c.conditionRef);
        if (!ref) {
          problems.push({
            path: `${cAt}.conditionRef`,
            severity: 'error',
            message: `no AlertCondition named ${c.conditionRef} in the file`,
          });
          return;
        }
        cSpec = check(
          conditionSpec,
          ref.value.spec,
          `${ref.at}.spec`,
          problems,
        );
        cName = ref.name;
      }
      if (!cSpec) {
        if (!c.conditionRef)
          problems.push({
            path: cAt,
            severity: 'error',
            message: 'needs conditionRef or an inline spec',
          });
        return;
      }
      const long = durationMinutes(cSpec.condition.lookbackWindow);
      const short = durationMinutes(cSpec.condition.alertAfter);
      if (!long || !short || short > long || !Number.isFinite(long)) {
        problems.push({
          path: `${cAt}.condition`,
          severity: 'error',
          message:
            'lookbackWindow and alertAfter must be minutes, hours, days or weeks, alertAfter no longer than lookbackWindow',
        });
        return;
      }
      rules.push({
        name: `${policyName}/${cName}`,
        severity: cSpec.severity,
        factor: cSpec.condition.threshold,
        op: (cSpec.condition.op ?? 'gte') as ComparisonOp,
        longWindowMinutes: long,
        shortWindowMinutes: short,
      });
    });
  });
  return rules;
}

const CALENDAR_UNITS: Record<string, string> = {
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
  M: 'months',
  Q: 'months',
  Y: 'years',
};

/** Whether a rolling window of these minutes starts at a date. */
const rollingStarts = (minutes: number | undefined) =>
  minutes !== undefined &&
  !Number.isNaN(new Date(Date.now() - minutes * 60_000).getTime());

function timeWindow(
  raw: z.infer<typeof sloSpec>['timeWindow'][number],
  at: string,
  problems: SloProblem[],
): TimeWindowSpec | undefined {
  const rolling = raw.isRolling ?? !raw.calendar;
  if (rolling) {
    const long = /^(\d+)([MQY])$/.exec(raw.duration);
    if (long) {
      // Months, quarters and years have no fixed length.
      const days = Number(long[1]) * { M: 30, Q: 90, Y: 365 }[long[2]]!;
      if (!rollingStarts(durationMinutes(`${days}d`))) {
        problems.push({
          path: `${at}.duration`,
          severity: 'error',
          message: `${raw.duration}: too long a window to evaluate`,
        });
        return undefined;
      }
      problems.push({
        path: `${at}.duration`,
        severity: 'unsupported',
        message: `${raw.duration} rolling is evaluated as ${days}d`,
      });
      return { duration: `${days}d`, rolling: true };
    }
    if (durationMinutes(raw.duration) === undefined) {
      problems.push({
        path: `${at}.duration`,
        severity: 'error',
        message: `${raw.duration}: rolling windows are given in m, h, d, w, M, Q or Y`,
      });
      return undefined;
    }
    if (!rollingStarts(durationMinutes(raw.duration))) {
      problems.push({
        path: `${at}.duration`,
        severity: 'error',
        message: `${raw.duration}: too long a window to evaluate`,
      });
      return undefined;
    }
    if (raw.calendar)
      problems.push({
        path: `${at}.calendar`,
        severity: 'unsupported',
        message: 'ignored for a rolling window',
      });
    return { duration: raw.duration, rolling: true };
  }
  if (!raw.calendar) {
    problems.push({
      path: `${at}.calendar`,
      severity: 'error',
      message: 'a calendar window (isRolling: false) needs calendar',
    });
    return undefined;
  }
  if (!/^[1-9]\d*[mhdwMQY]$/.test(raw.duration)) {
    problems.push({
      path: `${at}.duration`,
      severity: 'error',
      message: `${raw.duration}: calendar windows are given in m, h, d, w, M, Q or Y`,
    });
    return undefined;
  }
  // As the evaluator (luxon) reads zones: Intl's list of supported zones has
  // CLDR's names only (Asia/Calcutta, not Asia/Kolkata).
  if (!IANAZone.isValidZone(raw.calendar.timeZone)) {
    problems.push({
      path: `${at}.calendar.timeZone`,
      severity: 'error',
      message: `${raw.calendar.timeZone} is not an IANA time zone`,
    });
    return undefined;
  }
  // The start as the evaluator reads it (budget.ts windowAt), and a period
  // that ends at a date.
  const { startTime, timeZone: zone } = raw.calendar;
  const sql = DateTime.fromSQL(startTime, { zone });
  const start = sql.isValid ? sql : DateTime.fromISO(startTime, { zone });
  if (!start.isValid) {
    problems.push({
      path: `${at}.calendar.startTime`,
      severity: 'error',
      message: `${shown(startTime)} is not a time (e.g. 2024-01-01 00:00:00)`,
    });
    return undefined;
  }
  const [, count, unit] = /^(\d+)(\w)$/.exec(raw.duration)!;
  const end = start.plus({
    [CALENDAR_UNITS[unit]]: Number(count) * (unit === 'Q' ? 3 : 1),
  });
  if (!end.isValid) {
    problems.push({
      path: `${at}.duration`,
      severity: 'error',
      message: `${raw.duration}: too long a window to evaluate`,
    });
    return undefined;
  }
  return { duration: raw.duration, rolling: false, calendar: raw.calendar };
}

/**
 * Parses OpenSLO v1 YAML. SLO objects are resolved against the SLIs, alert
 * policies, alert conditions and data sources of the same text.
 */
export function parseOpenSlo(text: string): ParsedOpenSlo {
  const problems: SloProblem[] = [];
  const objects = readObjects(text, problems);
  const kinds: ParsedOpenSlo['kinds'] = {};
  const byKind = new Map<Kind, Map<string, RawObject>>(
    KINDS.map(k => [k, new Map()]),
  );
  for (const o of objects) {
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    if (o.kind !== 'SLO') {
      const mine: SloProblem[] = [];
      const schema = {
        SLI: sli,
        AlertCondition: z.object({ metadata, spec: conditionSpec }),
        AlertPolicy: z.object({ metadata, spec: policySpec }),
        AlertNotificationTarget: z.object({
          metadata,
          spec: z.object({
            description: z.string().optional(),
            target: z.string().min(1),
          }),
        }),
        DataSource: z.object({
          metadata,
          spec: z.object({
            description: z.string().optional(),
            type: z.string().min(1),
            // A map, or (as in the Go SDK's examples) a list of maps.
            connectionDetails: z.union([
              z.record(z.string(), z.unknown()),
              z.array(z.record(z.string(), z.unknown())),
            ]),
          }),
        }),
        Service: z.object({
          metadata,
          spec: z.object({ description: z.string().optional() }),
        }),
      }[o.kind];
      const { apiVersion: _a, kind: _k, ...rest } = o.value;
      check(schema, rest, o.at, mine);
      problems.push(...mine);
      if (!mine.some(p => p.severity === 'error') && o.name)
        byKind.get(o.kind)!.set(o.name, o);
    }
  }
  // References of alert policies resolve within the same text.
  for (const [, policy] of byKind.get('AlertPolicy')!) {
    const conditions = (policy.value.spec as { conditions?: unknown[] })
      .conditions;
    conditions?.forEach((c, i) => {
      const ref = (c as { conditionRef?: string }).conditionRef;
      if (ref && !byKind.get('AlertCondition')!.has(ref))
        problems.push({
          path: `${policy.at}.spec.conditions[${i}].conditionRef`,
          severity: 'error',
          message: `no AlertCondition named ${ref} in the file`,
        });
    });
  }

  const slos: SloSpec[] = [];
  const rejected: ParsedOpenSlo['rejected'] = [];
  for (const o of objects.filter(x => x.kind === 'SLO')) {
    const mine: SloProblem[] = [];
    const { apiVersion: _a, kind: _k, ...rest } = o.value;
    const parsed = check(
      z.object({ metadata, spec: sloSpec }),
      rest,
      o.at,
      mine,
    );
    const specs: SloSpec[] = [];
    if (parsed) {
      const s = parsed.spec;
      const at = `${o.at}.spec`;
      let sliRaw: z.infer<typeof sliSpec> | undefined = s.indicator?.spec;
      let sliAt = `${at}.indicator.spec`;
      if (s.indicatorRef && s.indicator)
        mine.push({
          path: `${at}.indicatorRef`,
          severity: 'error',
          message: 'give indicator or indicatorRef, not both',
        });
      else if (s.indicatorRef) {
        const ref = byKind.get('SLI')!.get(s.indicatorRef);
        if (!ref)
          mine.push({
            path: `${at}.indicatorRef`,
            severity: 'error',
            message: `no SLI named ${s.indicatorRef} in the file`,
          });
        sliRaw = ref?.value.spec as z.infer<typeof sliSpec> | undefined;
        sliAt = `${ref?.at}.spec`;
      } else if (!s.indicator)
        mine.push({
          path: at,
          severity: 'error',
          message: 'needs indicator or indicatorRef',
        });
      const ind = sliRaw
        ? indicator(sliRaw, byKind.get('DataSource')!, sliAt, mine)
        : undefined;
      const window = timeWindow(s.timeWindow[0], `${at}.timeWindow[0]`, mine);
      const custom = alertRules(
        s.alertPolicies,
        byKind.get('AlertPolicy')!,
        byKind.get('AlertCondition')!,
        at,
        mine,
      );
      if (s.budgetingMethod === 'RatioTimeslices')
        mine.push({
          path: `${at}.budgetingMethod`,
          severity: 'unsupported',
          message:
            'RatioTimeslices is evaluated as Timeslices (good slices / all slices)',
        });
      s.objectives.forEach((obj, i) => {
        const oAt = `${at}.objectives[${i}]`;
        const target =
          obj.target ??
          (obj.targetPercent !== undefined
            ? obj.targetPercent / 100
            : undefined);
        if (target === undefined) {
          mine.push({
            path: `${oAt}.target`,
            severity: 'error',
            message: 'missing (target or targetPercent)',
          });
          return;
        }
        if (obj.indicator !== undefined || obj.indicatorRef !== undefined)
          mine.push({
            path: `${oAt}.indicator`,
            severity: 'unsupported',
            message:
              'per-objective indicators (composite SLOs) are not supported',
          });
        if (ind?.kind === 'threshold' && (obj.value === undefined || !obj.op)) {
          mine.push({
            path: oAt,
            severity: 'error',
            message: 'a threshold SLI needs op and value on each objective',
          });
          return;
        }
        const timeslices = s.budgetingMethod !== 'Occurrences';
        let sliceMinutes: number | undefined;
        if (timeslices) {
          sliceMinutes = obj.timeSliceWindow
            ? durationMinutes(obj.timeSliceWindow)
            : 1;
          if (!sliceMinutes || !Number.isFinite(sliceMinutes)) {
            mine.push({
              path: `${oAt}.timeSliceWindow`,
              severity: 'error',
              message: 'must be minutes or hours, e.g. 1m or 5m',
            });
            return;
          }
        }
        if (!ind || !window) return;
        specs.push({
          name: o.name,
          ...(parsed.metadata.displayName
            ? { displayName: parsed.metadata.displayName }
            : {}),
          ...(s.description ? { description: s.description } : {}),
          ...(s.service ? { service: s.service } : {}),
          indicator: ind,
          timeWindow: window,
          budgetingMethod: timeslices ? 'Timeslices' : 'Occurrences',
          objective: {
            ...(obj.displayName ? { displayName: obj.displayName } : {}),
            target,
            ...(obj.op ? { op: obj.op } : {}),
            ...(obj.value !== undefined ? { value: obj.value } : {}),
            ...(timeslices
              ? {
                  timeSliceTarget: obj.timeSliceTarget ?? 1,
                  timeSliceMinutes: sliceMinutes,
                }
              : {}),
          },
          objectiveIndex: i,
          alerting:
            custom.length > 0
              ? { rules: custom, defaults: false }
              : { rules: DEFAULT_BURN_RATE_RULES, defaults: true },
        });
      });
    }
    problems.push(...mine);
    if (mine.some(p => p.severity === 'error') || !parsed)
      rejected.push({ name: o.name || o.at, problems: mine });
    else slos.push(...specs);
  }
  return { slos, rejected, problems, kinds };
}

/** A stable id for one objective: `name` or `name#index`. */
export function objectiveKey(spec: Pick<SloSpec, 'name' | 'objectiveIndex'>) {
  return spec.objectiveIndex === 0
    ? spec.name
    : `${spec.name}#${spec.objectiveIndex}`;
}
