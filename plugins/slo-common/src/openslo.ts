import { DateTime, IANAZone } from 'luxon';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { DEFAULT_BURN_RATE_RULES, durationMinutes } from './budget';
import {
  isRecord,
  OPENSLO_VERSIONS,
  sameValue,
  toV1,
  VERSION_KINDS,
} from './opensloVersions';
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
 * as multi-document YAML or as YAML lists of objects. `openslo/v1alpha` and
 * `openslo.com/v2alpha` objects are read as v1 (opensloVersions.ts). Each
 * field the portal does not act on is reported as `unsupported` with its
 * path; each invalid field is an `error`, and an SLO with an error is
 * rejected whole. Several files can be read together
 * ({@link parseOpenSloDocuments}): references resolve across all of them.
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

/** One file of several read together: its path and its text. */
export interface OpenSloFileText {
  path: string;
  text: string;
}

/**
 * What one file of several gives: the SLOs it declares (references resolved
 * across all the files), and the problems met reading it or resolving its
 * SLOs. A problem's `file` says where the field is (a referenced SLI may be
 * in another file).
 */
export interface ParsedOpenSloFile extends ParsedOpenSlo {
  path: string;
}

/** What several files read together give: the whole, and per file. */
export interface ParsedOpenSloFiles extends ParsedOpenSlo {
  files: ParsedOpenSloFile[];
}

interface RawObject {
  kind: Kind;
  name: string;
  at: string;
  /** Index of the file among those read together. */
  file: number;
  /** The document (and list item) it was read from, e.g. `document 2[1]`. */
  doc: string;
  /** In v1 form. */
  value: Record<string, unknown>;
  /** v1alpha: the ratio of each objective, where they differ. */
  perObjective?: Array<Record<string, unknown> | undefined>;
  /** Conversion notes (v1alpha, v2alpha), with the object's file. */
  notes: SloProblem[];
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

const SUPPORTED =
  'openslo/v1, openslo/v1alpha and openslo.com/v2alpha are read';

/**
 * Reads the YAML into OpenSLO objects in v1 form; problems for what is not
 * one. `where(doc)` names a document in notes (with its file when several
 * files are read together).
 */
function readObjects(
  text: string,
  file: number,
  where: (doc: string) => string,
  problems: SloProblem[],
): RawObject[] {
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
      const version =
        typeof obj.apiVersion === 'string' &&
        Object.hasOwn(OPENSLO_VERSIONS, obj.apiVersion)
          ? OPENSLO_VERSIONS[obj.apiVersion as keyof typeof OPENSLO_VERSIONS]
          : undefined;
      if (!version) {
        problems.push({
          path: `${at}.apiVersion`,
          severity: 'error',
          message:
            typeof obj.apiVersion === 'string'
              ? `${shown(obj.apiVersion)} is not supported (${SUPPORTED})`
              : `missing (${SUPPORTED})`,
        });
        return;
      }
      const kinds = VERSION_KINDS[version];
      if (!kinds.includes(obj.kind as Kind)) {
        problems.push({
          path: `${at}.kind`,
          severity: 'error',
          message:
            obj.kind === undefined || obj.kind === null
              ? `missing (${kinds.join(', ')})`
              : `${shown(
                  obj.kind,
                )} is not an OpenSLO ${version} kind (${kinds.join(', ')})`,
        });
        return;
      }
      const meta = obj.metadata as Record<string, unknown> | undefined;
      const objName = typeof meta?.name === 'string' ? meta.name : '';
      const objAt = objName ? `${obj.kind} ${objName}` : at;
      const converted = toV1(obj, version, objAt, where(at));
      objects.push({
        kind: obj.kind as Kind,
        name: objName,
        at: objAt,
        file,
        doc: at,
        value: converted.value,
        ...(converted.perObjective
          ? { perObjective: converted.perObjective }
          : {}),
        notes: converted.notes,
      });
    });
  });
  return objects;
}

/**
 * Objects by kind and name across all files read together. A name given to
 * two different objects of one kind is ambiguous: references to it fail.
 */
class ObjectIndex {
  private readonly byKind = new Map<Kind, Map<string, RawObject[]>>(
    KINDS.map(k => [k, new Map()]),
  );

  constructor(
    private readonly paths: Array<string | undefined>,
    private readonly together: number,
  ) {}

  /** Where an object is: its document, with its file when there are several. */
  where(o: Pick<RawObject, 'file' | 'doc'>): string {
    const path = this.paths[o.file];
    return this.together > 1 && path !== undefined ? `${path} ${o.doc}` : o.doc;
  }

  /** Adds the object; the problem when its name is taken by another one. */
  add(o: RawObject): SloProblem | undefined {
    const names = this.byKind.get(o.kind)!;
    const list = names.get(o.name) ?? [];
    const first = list[0];
    if (first && sameValue(first.value, o.value)) return undefined;
    list.push(o);
    names.set(o.name, list);
    if (!first) return undefined;
    return {
      path: `${o.at}.metadata.name`,
      severity: 'error',
      message: `another ${o.kind} named ${o.name} is in ${this.where(
        first,
      )}; names must be unique per kind${
        this.together > 1 ? ' across the files read together' : ''
      }, and references to ${o.name} are ambiguous`,
    };
  }

  /** The object a reference names, or why there is none. */
  get(
    kind: Kind,
    objName: string,
    from: number,
  ): { found: RawObject } | { missing: string } {
    const list = this.byKind.get(kind)!.get(objName) ?? [];
    if (list.length === 1) return { found: list[0] };
    const fromPath = this.paths[from];
    const origin =
      this.together > 1 && fromPath !== undefined ? ` (in ${fromPath})` : '';
    if (list.length > 1)
      return {
        missing: `${kind} ${objName} is defined ${list.length} times (${list
          .map(o => this.where(o))
          .join(', ')}): the reference is ambiguous${origin}`,
      };
    return {
      missing:
        this.together > 1
          ? `no ${kind} named ${objName} in any of the ${this.together} files read together${origin}`
          : `no ${kind} named ${objName} in the file`,
    };
  }
}

function metric(
  raw: z.infer<typeof metricWrapper> | undefined,
  index: ObjectIndex,
  from: number,
  at: string,
  problems: SloProblem[],
): MetricSourceSpec | undefined {
  if (!raw) return undefined;
  const ms = raw.metricSource;
  const ref = ms.metricSourceRef;
  const found = ref ? index.get('DataSource', ref, from) : undefined;
  const ds = found && 'found' in found ? found.found : undefined;
  const dsSpec = ds?.value.spec as Record<string, unknown> | undefined;
  const type = ms.type ?? (dsSpec?.type as string | undefined);
  if (!type) {
    problems.push({
      path: `${at}.metricSource.type`,
      severity: 'error',
      message: `missing${
        found && 'missing' in found ? `, and ${found.missing}` : ''
      }`,
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
  index: ObjectIndex,
  from: number,
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
      index,
      from,
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
  const good = metric(r.good, index, from, `${ratioAt}.good`, problems);
  const bad = metric(r.bad, index, from, `${ratioAt}.bad`, problems);
  const total = metric(r.total, index, from, `${ratioAt}.total`, problems);
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

/** Marks the problems from `start` on as located in file `file`. */
type Locate = (problems: SloProblem[], start: number, file: number) => void;

/** Problems for notification target references that resolve to nothing. */
function targetRefs(
  targets: unknown[] | undefined,
  index: ObjectIndex,
  from: number,
  at: string,
  problems: SloProblem[],
) {
  (targets ?? []).forEach((t, i) => {
    const ref = isRecord(t) ? t.targetRef : undefined;
    if (ref === undefined) return;
    if (typeof ref !== 'string' || ref === '') {
      problems.push({
        path: `${at}.notificationTargets[${i}].targetRef`,
        severity: 'error',
        message: 'must be the name of an AlertNotificationTarget',
      });
      return;
    }
    const found = index.get('AlertNotificationTarget', ref, from);
    if ('missing' in found)
      problems.push({
        path: `${at}.notificationTargets[${i}].targetRef`,
        severity: 'error',
        message: found.missing,
      });
  });
}

function alertRules(
  items: z.infer<typeof policyItem>[] | null | undefined,
  index: ObjectIndex,
  from: number,
  at: string,
  problems: SloProblem[],
  locate: Locate,
): BurnRateRule[] {
  const rules: BurnRateRule[] = [];
  (items ?? []).forEach((item, p) => {
    const itemAt = `${at}.alertPolicies[${p}]`;
    let spec = item.spec;
    let policyName = item.metadata?.name ?? `policy-${p + 1}`;
    // Where the policy is written: the SLO's file, or the referenced one's.
    let policyFile = from;
    if (item.alertPolicyRef) {
      const ref = index.get('AlertPolicy', item.alertPolicyRef, from);
      if ('missing' in ref) {
        problems.push({
          path: `${itemAt}.alertPolicyRef`,
          severity: 'error',
          message: ref.missing,
        });
        return;
      }
      spec = check(
        policySpec,
        ref.found.value.spec,
        `${ref.found.at}.spec`,
        [],
      );
      policyName = ref.found.name;
      policyFile = ref.found.file;
    }
    if (!spec) {
      problems.push({
        path: itemAt,
        severity: 'error',
        message: 'needs alertPolicyRef or an inline spec',
      });
      return;
    }
    targetRefs(
      spec.notificationTargets,
      index,
      policyFile,
      `${itemAt}.spec`,
      problems,
    );
    spec.conditions.forEach((c, i) => {
      const cAt = `${itemAt}.spec.conditions[${i}]`;
      let cSpec = c.spec;
      let cName = c.metadata?.name ?? `condition-${i + 1}`;
      if (c.conditionRef) {
        const ref = index.get('AlertCondition', c.conditionRef, policyFile);
        if ('missing' in ref) {
          problems.push({
            path: `${cAt}.conditionRef`,
            severity: 'error',
            message: ref.missing,
          });
          return;
        }
        const start = problems.length;
        cSpec = check(
          conditionSpec,
          ref.found.value.spec,
          `${ref.found.at}.spec`,
          problems,
        );
        locate(problems, start, ref.found.file);
        cName = ref.found.name;
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

const OTHER_SCHEMAS = {
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
};

/**
 * Parses OpenSLO YAML (`openslo/v1`, and `openslo/v1alpha` and
 * `openslo.com/v2alpha` read as v1). SLO objects are resolved against the
 * SLIs, alert policies, alert conditions, notification targets and data
 * sources of the same text.
 */
export function parseOpenSlo(text: string): ParsedOpenSlo {
  const { slos, rejected, problems, kinds } = parseTogether([{ text }]);
  return { slos, rejected, problems, kinds };
}

/**
 * Parses every document of several files (the OpenSLO files of one
 * repository, or of one upload) as one set: `indicatorRef`/`sliRef`,
 * `alertPolicyRef`, `conditionRef`, `targetRef` and `metricSourceRef`/
 * `dataSourceRef` resolve across all of them, and v1alpha and v2alpha
 * objects are read as v1, each dropped or approximated field a note. Every
 * problem says its `file`; a reference that resolves to nothing, or to a name
 * two different objects share, is an error of the SLO that makes it.
 */
export function parseOpenSloDocuments(
  files: ReadonlyArray<OpenSloFileText>,
): ParsedOpenSloFiles {
  return parseTogether(files);
}

function parseTogether(
  inputs: ReadonlyArray<{ path?: string; text: string }>,
): ParsedOpenSloFiles {
  const paths = inputs.map(f => f.path);
  const index = new ObjectIndex(paths, inputs.length);
  const locate: Locate = (list, start, file) => {
    const path = paths[file];
    if (path === undefined) return;
    for (const p of list.slice(start)) p.file ??= path;
  };
  // Problems in the order they are met, and per file: those met reading
  // the file and resolving its SLOs.
  const problems: SloProblem[] = [];
  const results: ParsedOpenSloFile[] = inputs.map(f => ({
    path: f.path ?? '',
    slos: [],
    rejected: [],
    problems: [],
    kinds: {},
  }));
  const report = (file: number, list: SloProblem[]) => {
    locate(list, 0, file);
    problems.push(...list);
    results[file].problems.push(...list);
  };
  const kinds: ParsedOpenSlo['kinds'] = {};

  const objects: RawObject[] = [];
  inputs.forEach((input, file) => {
    const mine: SloProblem[] = [];
    const where = (doc: string) =>
      inputs.length > 1 && input.path !== undefined
        ? `${input.path} ${doc}`
        : doc;
    objects.push(...readObjects(input.text, file, where, mine));
    report(file, mine);
  });

  for (const o of objects) {
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    const fileKinds = results[o.file].kinds;
    fileKinds[o.kind] = (fileKinds[o.kind] ?? 0) + 1;
    if (o.kind === 'SLO') continue;
    const mine: SloProblem[] = [...o.notes];
    const { apiVersion: _a, kind: _k, ...rest } = o.value;
    check(OTHER_SCHEMAS[o.kind], rest, o.at, mine);
    if (!mine.some(p => p.severity === 'error') && o.name) {
      const taken = index.add(o);
      if (taken) mine.push(taken);
    }
    report(o.file, mine);
  }
  // References of alert policies resolve across all files.
  for (const policy of objects.filter(o => o.kind === 'AlertPolicy')) {
    const spec = policy.value.spec;
    if (!isRecord(spec)) continue;
    const mine: SloProblem[] = [];
    const conditions = Array.isArray(spec.conditions) ? spec.conditions : [];
    conditions.forEach((c, i) => {
      const ref = isRecord(c) ? c.conditionRef : undefined;
      if (typeof ref !== 'string' || !ref) return;
      const found = index.get('AlertCondition', ref, policy.file);
      if ('missing' in found)
        mine.push({
          path: `${policy.at}.spec.conditions[${i}].conditionRef`,
          severity: 'error',
          message: found.missing,
        });
    });
    targetRefs(
      Array.isArray(spec.notificationTargets)
        ? spec.notificationTargets
        : undefined,
      index,
      policy.file,
      `${policy.at}.spec`,
      mine,
    );
    report(policy.file, mine);
  }

  const slos: SloSpec[] = [];
  const rejected: ParsedOpenSlo['rejected'] = [];
  for (const o of objects.filter(x => x.kind === 'SLO')) {
    const mine: SloProblem[] = [...o.notes];
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
      let sliFile = o.file;
      const perObjective = o.perObjective;
      if (s.indicatorRef && s.indicator)
        mine.push({
          path: `${at}.indicatorRef`,
          severity: 'error',
          message: 'give indicator or indicatorRef, not both',
        });
      else if (s.indicatorRef) {
        const ref = index.get('SLI', s.indicatorRef, o.file);
        if ('missing' in ref)
          mine.push({
            path: `${at}.indicatorRef`,
            severity: 'error',
            message: ref.missing,
          });
        else {
          sliRaw = ref.found.value.spec as z.infer<typeof sliSpec>;
          sliAt = `${ref.found.at}.spec`;
          sliFile = ref.found.file;
        }
      } else if (!s.indicator && !perObjective)
        mine.push({
          path: at,
          severity: 'error',
          message: 'needs indicator or indicatorRef',
        });
      const start = mine.length;
      const ind = sliRaw
        ? indicator(sliRaw, index, sliFile, sliAt, mine)
        : undefined;
      locate(mine, start, sliFile);
      // v1alpha: a ratio per objective.
      const objectiveInd = (i: number): IndicatorSpec | undefined => {
        const own = perObjective?.[i];
        if (!own) return ind;
        const oAt = `${at}.objectives[${i}]`;
        const checked = check(sliSpec, own, oAt, mine);
        return checked
          ? indicator(checked, index, o.file, oAt, mine)
          : undefined;
      };
      const window = timeWindow(s.timeWindow[0], `${at}.timeWindow[0]`, mine);
      const custom = alertRules(
        s.alertPolicies,
        index,
        o.file,
        at,
        mine,
        locate,
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
        const thisInd = objectiveInd(i);
        if (perObjective && !perObjective[i] && !sliRaw) {
          mine.push({
            path: oAt,
            severity: 'error',
            message: 'needs ratioMetrics (the SLO has no indicator)',
          });
          return;
        }
        if (
          thisInd?.kind === 'threshold' &&
          (obj.value === undefined || !obj.op)
        ) {
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
        if (!thisInd || !window) return;
        specs.push({
          name: o.name,
          ...(parsed.metadata.displayName
            ? { displayName: parsed.metadata.displayName }
            : {}),
          ...(s.description ? { description: s.description } : {}),
          ...(s.service ? { service: s.service } : {}),
          indicator: thisInd,
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
    report(o.file, mine);
    const result = results[o.file];
    if (mine.some(p => p.severity === 'error') || !parsed) {
      const r = { name: o.name || o.at, problems: mine };
      rejected.push(r);
      result.rejected.push(r);
    } else {
      slos.push(...specs);
      result.slos.push(...specs);
    }
  }
  return { slos, rejected, problems, kinds, files: results };
}

/** A stable id for one objective: `name` or `name#index`. */
export function objectiveKey(spec: Pick<SloSpec, 'name' | 'objectiveIndex'>) {
  return spec.objectiveIndex === 0
    ? spec.name
    : `${spec.name}#${spec.objectiveIndex}`;
}
