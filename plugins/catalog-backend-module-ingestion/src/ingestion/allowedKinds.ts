import type { RepositoryReadResult } from './types';

/** Kinds a repository source emits unless configured otherwise. */
export const DEFAULT_REPOSITORY_KINDS = [
  'Component',
  'API',
  'Resource',
  'System',
  'Domain',
];

/** Kinds an org (HR export) source emits unless configured otherwise. */
export const DEFAULT_ORG_KINDS = ['User', 'Group'];

/** Who may define what: the kinds one repository of a source may emit. */
export interface KindPolicy {
  sourceId: string;
  /** Kinds every repository of the source may emit. */
  kinds: string[];
  /** Repositories that may emit `Template` entities as well. */
  templateRepositories: string[];
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

const HINTS: Record<string, (sourceId: string) => string> = {
  template: sourceId =>
    ` Templates come from the platform's own locations, or from repositories listed in catalog.ingestion.sources[${sourceId}].templateRepositories`,
  user: () =>
    " Users and Groups come from org sources and the platform's own locations",
  group: () =>
    " Users and Groups come from org sources and the platform's own locations",
  location: () =>
    ' A Location pointing outside the repository would let it register anything; relative targets inside the repository are read (and checked) instead',
};

function why(kind: string, sourceId: string, allowed: string[]): string {
  const hint =
    HINTS[lower(kind)]?.(sourceId) ??
    ` Allow it with catalog.ingestion.sources[${sourceId}].kinds`;
  return `kind ${kind} is not accepted from source "${sourceId}" (it accepts ${allowed.join(
    ', ',
  )}).${hint}; this entity is ignored, the rest of the repository is kept`;
}

/**
 * Moves entities of kinds the source may not emit from `result.entities` to
 * `result.problems` (one named problem each, with file and line), so a
 * repository cannot define a Template, a User with someone's e-mail, a
 * Group calling itself the platform team, or a Location to anywhere.
 */
export function applyKindPolicy(
  result: RepositoryReadResult,
  policy: KindPolicy,
  repository: string,
): RepositoryReadResult {
  const allowed = [
    ...policy.kinds,
    ...(policy.templateRepositories.includes(repository) ? ['Template'] : []),
  ];
  const accepted = new Set(allowed.map(lower));
  const entities = [];
  const problems = [...result.problems];
  for (const e of result.entities) {
    if (accepted.has(lower(e.entity.kind))) {
      entities.push(e);
    } else {
      problems.push({
        file: e.file,
        line: e.line,
        entityRef: e.ref,
        message: why(e.entity.kind, policy.sourceId, allowed),
      });
    }
  }
  return { entities, problems };
}
