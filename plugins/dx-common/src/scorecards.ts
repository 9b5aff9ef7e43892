import { z } from 'zod';
import type { CheckResult, CheckStatus, EntityScorecard } from './api';

/**
 * Scorecards: production-readiness and maturity rules written as data (a
 * YAML file in the portal repository or app-config, never code). Each
 * check reads one fact the portal holds about a component:
 *
 * | check | passes when | fact from |
 * |---|---|---|
 * | `owner-exists` | `spec.owner` names a Group or User in the catalog | catalog |
 * | `has-slo` | at least `min` (1) SLOs are defined for it | SLO plugin |
 * | `newest-template-version` | made from a golden path on its newest version (n/a when not made from a template) | golden paths |
 * | `has-docs` | README/docs stored at ingestion, or a TechDocs annotation | catalog ingestion |
 * | `no-flagged-packages` | its SBOM holds none of the listed packages in the listed ranges | dependency inventory |
 * | `no-known-vulnerabilities` | no imported advisory (at `minSeverity` or above) affects its packages, VEX-suppressed matches aside | dependency inventory |
 * | `deploys-at-least` | at least `perWeek` successful production deployments per week over the last `days` | DX events |
 * | `has-annotation` | the annotation is set and not empty | catalog |
 * | `field` | an entity field exists / equals one of / matches a pattern | catalog |
 *
 * A component reaches a level when every check of that level and of all
 * lower levels passes (`n/a` counts as passing).
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by -');

const common = {
  id,
  title: z.string().min(1),
  /** The level the check belongs to; one of the scorecard's `levels`. */
  level: z.string().min(1),
  /** How to fix a failing check, shown next to it. */
  fix: z.string().min(1),
  description: z.string().optional(),
};

const flaggedPackage = z
  .object({
    /** A purl without version (`pkg:npm/lodash`) or a package name. */
    package: z.string().min(1),
    /** A semver range of the flagged versions; every version when absent. */
    range: z.string().min(1).optional(),
    /** Why it is flagged (an advisory id, say). */
    reason: z.string().optional(),
  })
  .strict();

/**
 * Advisory severities, lowest first: the inventory's words (OSV and
 * GitHub's `moderate` is its `medium`).
 */
export const VULNERABILITY_SEVERITIES = [
  'low',
  'medium',
  'high',
  'critical',
] as const;
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

const severity = z.preprocess(
  v => (v === 'moderate' ? 'medium' : v),
  z.enum(VULNERABILITY_SEVERITIES),
);

/** The `fix` of `no-known-vulnerabilities` when the definition gives none. */
export const DEFAULT_VULNERABILITY_FIX =
  'Upgrade each affected package to the version that fixes it and publish a new SBOM; if the component is not affected, record a VEX statement (not_affected, with its justification) for it.';

export const scorecardCheckSchema = z.discriminatedUnion('check', [
  z.object({ ...common, check: z.literal('owner-exists') }).strict(),
  z
    .object({
      ...common,
      check: z.literal('has-slo'),
      min: z.number().int().positive().default(1),
    })
    .strict(),
  z.object({ ...common, check: z.literal('newest-template-version') }).strict(),
  z.object({ ...common, check: z.literal('has-docs') }).strict(),
  z
    .object({
      ...common,
      check: z.literal('no-flagged-packages'),
      packages: z.array(flaggedPackage).min(1),
    })
    .strict(),
  z
    .object({
      ...common,
      check: z.literal('no-known-vulnerabilities'),
      /**
       * Only advisories of this severity or above fail the check (and
       * advisories without a severity, which may be anything); every
       * advisory when absent.
       */
      minSeverity: severity.optional(),
      fix: common.fix.default(DEFAULT_VULNERABILITY_FIX),
    })
    .strict(),
  z
    .object({
      ...common,
      check: z.literal('deploys-at-least'),
      perWeek: z.number().positive(),
      days: z.number().int().min(7).max(366).default(28),
    })
    .strict(),
  z
    .object({
      ...common,
      check: z.literal('has-annotation'),
      annotation: z.string().min(1),
    })
    .strict(),
  z
    .object({
      ...common,
      check: z.literal('field'),
      /** A dotted path into the entity: `spec.lifecycle`, `metadata.tags`. */
      path: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_/.-]+)*$/),
      oneOf: z.array(z.string()).min(1).optional(),
      pattern: z.string().optional(),
    })
    .strict(),
]);

export const scorecardSchema = z
  .object({
    id,
    title: z.string().min(1),
    description: z.string().optional(),
    /** Levels, lowest first. */
    levels: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/))
      .min(1)
      .default(['bronze', 'silver', 'gold']),
    /** Which entities it scores; components when absent. */
    appliesTo: z
      .object({
        kinds: z.array(z.string().min(1)).min(1).default(['Component']),
        types: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .default({ kinds: ['Component'] }),
    checks: z.array(scorecardCheckSchema).min(1),
  })
  .strict();

export const scorecardsSchema = z.array(scorecardSchema);

export type ScorecardCheck = z.infer<typeof scorecardCheckSchema>;
export type Scorecard = z.infer<typeof scorecardSchema>;

function issuePath(path: PropertyKey[]): string {
  return path
    .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('');
}

/**
 * Reads scorecard definitions; a mistake is an error naming where:
 * `scorecards.yaml[0].checks[2].level: ...`.
 */
export function parseScorecards(data: unknown, where: string): Scorecard[] {
  const result = scorecardsSchema.safeParse(data ?? []);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map(i => `${where}${issuePath(i.path)}: ${i.message}`);
    throw new Error(`invalid scorecards: ${problems.join('; ')}`);
  }
  const ids = new Set<string>();
  result.data.forEach((card, i) => {
    const at = `${where}[${i}]`;
    if (ids.has(card.id))
      throw new Error(`invalid scorecards: ${at}.id: duplicate id ${card.id}`);
    ids.add(card.id);
    const checkIds = new Set<string>();
    card.checks.forEach((check, j) => {
      const here = `${at}.checks[${j}]`;
      if (checkIds.has(check.id))
        throw new Error(
          `invalid scorecards: ${here}.id: duplicate id ${check.id}`,
        );
      checkIds.add(check.id);
      if (!card.levels.includes(check.level))
        throw new Error(
          `invalid scorecards: ${here}.level: ${
            check.level
          } is not one of ${card.levels.join(', ')}`,
        );
      if (check.check === 'field' && check.pattern !== undefined) {
        try {
          RegExp(check.pattern);
        } catch (e) {
          throw new Error(
            `invalid scorecards: ${here}.pattern: ${(e as Error).message}`,
          );
        }
      }
    });
  });
  return result.data;
}

/** What the portal knows of one entity, for its scorecards. */
export interface EntityFacts {
  entityRef: string;
  kind: string;
  type?: string;
  /** The entity as stored (for `field` and `has-annotation`). */
  entity: { metadata: Record<string, unknown>; spec?: Record<string, unknown> };
  /** The owner's ref, if any, and whether that Group or User exists. */
  owner?: string;
  ownerExists: boolean;
  /** The existing owner's title or display name, for the details. */
  ownerName?: string;
  /** SLOs defined for it; undefined when the SLO plugin did not answer. */
  slos?: number;
  /** Made from a golden-path template: which, which version, the newest. */
  template?: { ref: string; version?: string; newestVersion?: string };
  /** Repository docs stored at ingestion; undefined when unknown. */
  docs?: boolean;
  /** Flagged packages found in its SBOM, per check id. */
  flagged?: Record<
    string,
    Array<{ purl: string; version: string; reason?: string }>
  >;
  /**
   * Advisories affecting its packages, one per vulnerability and package
   * (matches a VEX statement hides are not here).
   */
  vulnerabilities?: KnownVulnerability[];
  /** Successful production deployments per check id's window. */
  deployments?: Record<string, number>;
}

/** An advisory affecting one package of an entity, in words. */
export interface KnownVulnerability {
  /** The advisory's id (`GHSA-…`, `CVE-…`, an OSV id). */
  advisory: string;
  /** Its CVE when the advisory has another id. */
  cve?: string;
  /** The package in words: `lodash 4.17.20`. */
  package: string;
  /** Undefined when the advisory is not rated. */
  severity?: VulnerabilitySeverity;
  /** The lowest version that fixes it, when the advisory names one. */
  fixedIn?: string;
}

/** Facts a source could not provide: checks reading them are n/a. */
export type MissingFacts = Partial<
  Record<'slos' | 'templates' | 'docs' | 'packages' | 'vulnerabilities', string>
>;

/** Rank of a severity, higher is worse; -1 when not rated. */
function severityRank(s?: VulnerabilitySeverity): number {
  return s ? VULNERABILITY_SEVERITIES.indexOf(s) : -1;
}

function describeVulnerability(v: KnownVulnerability): string {
  const about = [v.cve, v.severity ?? 'not rated'].filter(Boolean).join(', ');
  return `${v.advisory} (${about}) in ${v.package}, ${
    v.fixedIn ? `fixed in ${v.fixedIn}` : 'no fixed version yet'
  }`;
}

function fieldAt(entity: EntityFacts['entity'], path: string): unknown {
  let value: unknown = entity;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function judge(
  check: ScorecardCheck,
  facts: EntityFacts,
  missing: MissingFacts,
): { status: CheckStatus; detail: string } {
  const notChecked = (why: string) => ({
    status: 'n/a' as const,
    detail: `not checked: ${why}`,
  });
  switch (check.check) {
    case 'owner-exists':
      if (!facts.owner) return { status: 'fail', detail: 'no owner is set' };
      return facts.ownerExists
        ? {
            status: 'pass',
            detail: `owned by ${
              facts.ownerName ?? facts.owner
            }, in the catalog`,
          }
        : {
            status: 'fail',
            detail: `owner ${facts.owner} is not a Group or User in the catalog`,
          };
    case 'has-slo': {
      if (missing.slos) return notChecked(missing.slos);
      const n = facts.slos ?? 0;
      return n >= check.min
        ? { status: 'pass', detail: `${n} SLO${n === 1 ? '' : 's'} defined` }
        : {
            status: 'fail',
            detail: `${n} SLO${n === 1 ? '' : 's'} defined, ${
              check.min
            } needed`,
          };
    }
    case 'newest-template-version': {
      if (!facts.template)
        return {
          status: 'n/a',
          detail: 'not made from a golden-path template',
        };
      if (missing.templates) return notChecked(missing.templates);
      const { ref, version, newestVersion } = facts.template;
      if (!newestVersion)
        return {
          status: 'n/a',
          detail: `${ref} has no version to compare with`,
        };
      return version === newestVersion
        ? { status: 'pass', detail: `on ${ref} ${version}, the newest` }
        : {
            status: 'fail',
            detail: `on ${ref} ${
              version ?? '(no version)'
            }; the newest is ${newestVersion}`,
          };
    }
    case 'has-docs': {
      const annotations = (facts.entity.metadata.annotations ?? {}) as Record<
        string,
        unknown
      >;
      if (annotations['backstage.io/techdocs-ref'])
        return { status: 'pass', detail: 'has a TechDocs annotation' };
      if (missing.docs) return notChecked(missing.docs);
      return facts.docs
        ? { status: 'pass', detail: 'README or docs/ found in its repository' }
        : {
            status: 'fail',
            detail: 'no README or docs/ found in its repository',
          };
    }
    case 'no-flagged-packages': {
      if (missing.packages) return notChecked(missing.packages);
      const found = facts.flagged?.[check.id] ?? [];
      if (found.length === 0)
        return { status: 'pass', detail: 'no flagged package in its SBOM' };
      return {
        status: 'fail',
        detail: `uses ${found
          .slice(0, 5)
          .map(
            f =>
              `${f.purl.includes('@') ? f.purl : `${f.purl}@${f.version}`}${
                f.reason ? ` (${f.reason})` : ''
              }`,
          )
          .join(', ')}${
          found.length > 5 ? ` and ${found.length - 5} more` : ''
        }`,
      };
    }
    case 'no-known-vulnerabilities': {
      if (missing.vulnerabilities) return notChecked(missing.vulnerabilities);
      const min = check.minSeverity;
      const found = (facts.vulnerabilities ?? [])
        // Not rated: it may be anything, so it counts at every minSeverity.
        .filter(
          v =>
            !min ||
            !v.severity ||
            severityRank(v.severity) >= severityRank(min),
        )
        // Worst first (not rated last), then by advisory and package.
        .sort(
          (a, b) =>
            severityRank(b.severity) - severityRank(a.severity) ||
            a.advisory.localeCompare(b.advisory) ||
            a.package.localeCompare(b.package),
        );
      const scope = min
        ? `known vulnerability of ${min} severity or above`
        : 'known vulnerability';
      if (found.length === 0)
        return { status: 'pass', detail: `no ${scope} in its packages` };
      return {
        status: 'fail',
        detail: `affected by ${found
          .slice(0, 5)
          .map(describeVulnerability)
          .join('; ')}${
          found.length > 5 ? `; and ${found.length - 5} more` : ''
        }`,
      };
    }
    case 'deploys-at-least': {
      const n = facts.deployments?.[check.id] ?? 0;
      const perWeek = (n * 7) / check.days;
      const shown = Math.round(perWeek * 100) / 100;
      return perWeek >= check.perWeek
        ? {
            status: 'pass',
            detail: `${shown} deployments per week over ${check.days} days`,
          }
        : {
            status: 'fail',
            detail: `${shown} deployments per week over ${check.days} days, ${check.perWeek} needed`,
          };
    }
    case 'has-annotation': {
      const value = fieldAt(facts.entity, 'metadata.annotations')
        ? (facts.entity.metadata.annotations as Record<string, unknown>)[
            check.annotation
          ]
        : undefined;
      return typeof value === 'string' && value.trim() !== ''
        ? { status: 'pass', detail: `${check.annotation} is set` }
        : { status: 'fail', detail: `${check.annotation} is not set` };
    }
    case 'field': {
      const value = fieldAt(facts.entity, check.path);
      if (value === undefined || value === null || value === '')
        return { status: 'fail', detail: `${check.path} is not set` };
      const values = (Array.isArray(value) ? value : [value]).map(v =>
        typeof v === 'string' ? v : JSON.stringify(v),
      );
      if (check.oneOf && !values.some(v => check.oneOf!.includes(v)))
        return {
          status: 'fail',
          detail: `${check.path} is ${values.join(
            ', ',
          )}, not one of ${check.oneOf.join(', ')}`,
        };
      if (check.pattern !== undefined) {
        const re = new RegExp(check.pattern);
        if (!values.some(v => re.test(v)))
          return {
            status: 'fail',
            detail: `${check.path} is ${values.join(
              ', ',
            )}, which does not match ${check.pattern}`,
          };
      }
      return {
        status: 'pass',
        detail: `${check.path} is ${values.join(', ')}`,
      };
    }
    default:
      return { status: 'n/a', detail: 'unknown check' };
  }
}

/** Whether a scorecard applies to an entity (by kind and type). */
export function scorecardApplies(
  card: Scorecard,
  kind: string,
  type?: string,
): boolean {
  const lower = (s: string) => s.toLocaleLowerCase('en-US');
  if (!card.appliesTo.kinds.some(k => lower(k) === lower(kind))) return false;
  if (
    card.appliesTo.types &&
    !card.appliesTo.types.some(
      t => type !== undefined && lower(t) === lower(type),
    )
  )
    return false;
  return true;
}

/**
 * One entity's scorecard: each check judged, the level reached (every
 * check of that level and below passing) and the share of checks passing.
 */
export function evaluateScorecard(
  card: Scorecard,
  facts: EntityFacts,
  missing: MissingFacts,
  evaluatedAt: string,
): EntityScorecard {
  const checks: CheckResult[] = card.checks.map(check => {
    const { status, detail } = judge(check, facts, missing);
    return {
      id: check.id,
      title: check.title,
      level: check.level,
      status,
      detail,
      ...(status === 'fail' ? { fix: check.fix } : {}),
    };
  });
  let level: string | null = null;
  for (const candidate of card.levels) {
    const ok = checks
      .filter(c => c.level === candidate)
      .every(c => c.status !== 'fail');
    if (!ok) break;
    level = candidate;
  }
  const passing = checks.filter(c => c.status !== 'fail').length;
  return {
    scorecardId: card.id,
    title: card.title,
    entityRef: facts.entityRef,
    ...(facts.owner ? { owner: facts.owner } : {}),
    level,
    levels: card.levels,
    score: checks.length ? passing / checks.length : 1,
    checks,
    evaluatedAt,
  };
}
