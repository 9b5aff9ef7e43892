import {
  objectiveKey,
  PUSH_SOURCE,
  type ParsedOpenSlo,
  type SloOrigin,
  type SloProblem,
  type SloSpec,
} from '@internal/plugin-slo-common';
import type { SliSource } from '@internal/plugin-slo-node';
import type { SloDefinitionRow } from '../store/SloStore';

export interface DefinitionContext {
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  origin: SloOrigin;
  file?: string;
  yaml?: string;
  createdBy?: string;
}

/** The metric source type an SLO reads from (its total, or its threshold metric). */
export function sourceTypeOf(spec: SloSpec): string {
  return spec.indicator.kind === 'ratio'
    ? spec.indicator.total.type
    : spec.indicator.metric.type;
}

/**
 * What the portal cannot evaluate beyond what the OpenSLO parser checks:
 * mixed source types, source-specific fields, pushed counts with budgets
 * in time slices.
 */
export function sourceProblems(
  spec: SloSpec,
  at: string,
  source: (type: string) => SliSource | undefined,
): SloProblem[] {
  const problems: SloProblem[] = [];
  const ind = spec.indicator;
  const metrics =
    ind.kind === 'ratio' ? [ind.good ?? ind.bad!, ind.total] : [ind.metric];
  const type = sourceTypeOf(spec);
  if (metrics.some(m => m.type.toLowerCase() !== type.toLowerCase()))
    problems.push({
      path: `${at}.indicator`,
      severity: 'error',
      message: `good/bad and total read from different source types (${metrics
        .map(m => m.type)
        .join(', ')})`,
    });
  if (type.toLowerCase() === PUSH_SOURCE.toLowerCase()) {
    if (spec.budgetingMethod !== 'Occurrences')
      problems.push({
        path: `${at}.budgetingMethod`,
        severity: 'error',
        message:
          'pushed counts are occurrences: use budgetingMethod Occurrences',
      });
    if (ind.kind !== 'ratio')
      problems.push({
        path: `${at}.indicator`,
        severity: 'error',
        message: 'pushed counts need a ratioMetric (good and total)',
      });
    return problems;
  }
  const s = source(type);
  if (s?.validate)
    for (const m of metrics)
      for (const message of s.validate(m))
        problems.push({ path: `${at}.indicator`, severity: 'error', message });
  return problems;
}

/**
 * One row per objective, and one row per refused SLO (state error, with its
 * problems), ids `<entityRef>/<name>[#objective]`, refs in lower case. Problems that concern the
 * whole file (bad YAML, other kinds) go on every row of the file, or on a
 * row named after the file when it has no SLO at all and an error.
 */
export function toDefinitions(
  parsed: ParsedOpenSlo,
  ctx: DefinitionContext,
  source: (type: string) => SliSource | undefined,
): SloDefinitionRow[] {
  const rows: SloDefinitionRow[] = [];
  const sloProblems = new Set(parsed.rejected.flatMap(r => r.problems));
  const general = parsed.problems.filter(
    p => !sloProblems.has(p) && !/^SLO /.test(p.path),
  );
  const lower = (ref?: string) => ref?.toLocaleLowerCase('en-US');
  const entityRef = lower(ctx.entityRef)!;
  const base = {
    entityRef,
    ownerRef: lower(ctx.ownerRef),
    systemRef: lower(ctx.systemRef),
    origin: ctx.origin,
    file: ctx.file,
    yaml: ctx.yaml,
    createdBy: ctx.createdBy,
  };
  for (const spec of parsed.slos) {
    const own = parsed.problems.filter(p =>
      p.path.startsWith(`SLO ${spec.name}.`),
    );
    const extra = sourceProblems(spec, `SLO ${spec.name}.spec`, source);
    const problems = [...general, ...own, ...extra];
    const refused = extra.some(p => p.severity === 'error');
    rows.push({
      ...base,
      id: `${entityRef}/${objectiveKey(spec)}`,
      name: spec.name,
      sourceType: sourceTypeOf(spec),
      spec: refused ? undefined : spec,
      problems,
    });
  }
  for (const r of parsed.rejected)
    rows.push({
      ...base,
      id: `${entityRef}/${r.name}`,
      name: r.name,
      sourceType: '',
      problems: [...general, ...r.problems],
    });
  // A file of SLIs, policies or data sources only (read with the other
  // files of its repository) is no SLO: a row only when it is broken.
  if (rows.length === 0 && general.some(p => p.severity === 'error'))
    rows.push({
      ...base,
      id: `${entityRef}/${ctx.file ?? 'openslo'}`,
      name: ctx.file ?? 'openslo',
      sourceType: '',
      problems: general,
    });
  return dedupeRows(rows, entityRef);
}

/**
 * Two objects with one name (in one file, or in two files of the entity):
 * the first wins, the next says so on the first.
 */
export function dedupeRows(
  rows: SloDefinitionRow[],
  entityRef: string,
): SloDefinitionRow[] {
  const seen = new Map<string, SloDefinitionRow>();
  return rows.filter(row => {
    const first = seen.get(row.id);
    if (!first) {
      seen.set(row.id, row);
      return true;
    }
    first.problems.push({
      path: `SLO ${row.name}`,
      severity: 'error',
      message: `another SLO of ${entityRef} is named ${row.name}${
        row.file ? ` (in ${row.file})` : ''
      }; names must be unique per entity`,
    });
    return false;
  });
}
