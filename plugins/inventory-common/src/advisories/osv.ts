import { z } from 'zod';

/** How bad an advisory is, in the words of GitHub's advisory database. */
export type AdvisorySeverity = 'critical' | 'high' | 'medium' | 'low';

/** One event of an affected range (OSV `ranges[].events[]`). */
export type RangeEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

/** A range of affected versions, ordered by semver or the ecosystem's rules. */
export interface AffectedRange {
  type: 'SEMVER' | 'ECOSYSTEM';
  events: RangeEvent[];
}

/** A package an advisory affects. */
export interface AffectedPackage {
  /** OSV ecosystem without its release (`Debian:12` is `Debian`). */
  ecosystem: string;
  name: string;
  ranges: AffectedRange[];
  /** Versions listed one by one. */
  versions: string[];
}

/** An advisory in OSV format, as the portal keeps it. */
export interface Advisory {
  id: string;
  /** Other ids of the same advisory (CVE, GHSA, ...). */
  aliases: string[];
  modified: string;
  published?: string;
  /** Set when the advisory was withdrawn: it matches nothing any more. */
  withdrawn?: string;
  summary?: string;
  severity?: AdvisorySeverity;
  /** The CVSS vector, when the advisory gives one. */
  cvss?: string;
  affected: AffectedPackage[];
  references: string[];
}

const timestamp = z
  .string()
  .refine(s => !Number.isNaN(Date.parse(s)), 'is not an RFC 3339 timestamp');
const version = z.string().min(1).max(256);

const event = z
  .object({
    introduced: version.optional(),
    fixed: version.optional(),
    last_affected: version.optional(),
    limit: version.optional(),
  })
  .refine(
    e => Object.values(e).filter(v => v !== undefined).length === 1,
    'an event has exactly one of introduced, fixed, last_affected or limit',
  );

const osvSchema = z.object({
  id: z.string().min(1).max(256),
  modified: timestamp,
  published: timestamp.optional(),
  withdrawn: timestamp.optional(),
  aliases: z.array(z.string().max(256)).max(100).optional(),
  summary: z.string().max(10_000).optional(),
  severity: z
    .array(z.object({ type: z.string(), score: z.string().max(512) }))
    .optional(),
  affected: z
    .array(
      z.object({
        package: z
          .object({
            ecosystem: z.string().min(1).max(128),
            name: z.string().min(1).max(512),
            purl: z.string().optional(),
          })
          .optional(),
        ranges: z
          .array(
            z.object({
              type: z.enum(['GIT', 'SEMVER', 'ECOSYSTEM']),
              events: z.array(event).min(1).max(1000),
            }),
          )
          .max(1000)
          .optional(),
        versions: z.array(version).max(100_000).optional(),
        ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
        database_specific: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .max(10_000)
    .optional(),
  references: z
    .array(z.object({ type: z.string().optional(), url: z.string() }))
    .optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

const SEVERITY_WORDS: Record<string, AdvisorySeverity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
};

function severityWord(value: unknown): AdvisorySeverity | undefined {
  return typeof value === 'string'
    ? SEVERITY_WORDS[value.toLocaleLowerCase('en-US')]
    : undefined;
}

/** Where a problem is: `affected[0].ranges[1].events[0]`. */
function pathOf(path: PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

/** An OSV document read, or why it cannot be. */
export type OsvParseResult =
  | { advisory: Advisory; problems: string[] }
  | { advisory?: undefined; problems: string[] };

/**
 * Reads one OSV document (https://ossf.github.io/osv-schema/). Problems name
 * the field (`affected[0].ranges[0].events[1]: ...`); a document with one is
 * refused as a whole. Git ranges are left out (they name commits, not the
 * versions an SBOM lists), as are affected entries without a package.
 */
export function parseOsv(json: unknown): OsvParseResult {
  const parsed = osvSchema.safeParse(json);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues
        .slice(0, 20)
        .map(i => `${pathOf(i.path) || 'document'}: ${i.message}`),
    };
  }
  const doc = parsed.data;
  const affected: AffectedPackage[] = [];
  for (const a of doc.affected ?? []) {
    if (!a.package) continue;
    affected.push({
      ecosystem: a.package.ecosystem.split(':')[0],
      name: a.package.name,
      ranges: (a.ranges ?? [])
        .filter(r => r.type !== 'GIT')
        .map(r => ({
          type: r.type as 'SEMVER' | 'ECOSYSTEM',
          events: r.events.map(e => {
            const [key, value] = Object.entries(e).find(
              ([, v]) => v !== undefined,
            ) as [string, string];
            return { [key]: value } as RangeEvent;
          }),
        })),
      versions: a.versions ?? [],
    });
  }
  const severity =
    severityWord(doc.database_specific?.severity) ??
    (doc.affected ?? [])
      .map(
        a =>
          severityWord(a.ecosystem_specific?.severity) ??
          severityWord(a.database_specific?.severity),
      )
      .find(Boolean);
  const cvss = (doc.severity ?? []).find(s => s.type.startsWith('CVSS'))?.score;
  return {
    advisory: {
      id: doc.id,
      aliases: [...new Set(doc.aliases ?? [])].filter(a => a !== doc.id),
      modified: doc.modified,
      published: doc.published,
      withdrawn: doc.withdrawn,
      summary: doc.summary,
      severity,
      cvss,
      affected,
      references: (doc.references ?? []).map(r => r.url).slice(0, 20),
    },
    problems: [],
  };
}
