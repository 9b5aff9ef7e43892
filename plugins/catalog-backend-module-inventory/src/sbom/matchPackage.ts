import { InputError } from '@backstage/errors';
import { PackageURL } from 'packageurl-js';
import semver from 'semver';

/** What a dependency query asks for. */
export interface PackageQuery {
  /** purl type when the query was a purl; any ecosystem otherwise. */
  type?: string;
  namespace?: string;
  name: string;
  /** Exact version from a purl with `@version`. */
  version?: string;
}

/**
 * Reads the package part of a query: a purl (`pkg:npm/%40angular/core`,
 * `pkg:maven/org.apache.logging.log4j/log4j-core`, with or without
 * `@version`) or a bare name (`lodash`, `@angular/core`,
 * `org.apache.logging.log4j/log4j-core`).
 */
export function parsePackageQuery(text: string): PackageQuery {
  const q = text.trim();
  if (q.length === 0 || q.length > 512)
    throw new InputError('package must be 1 to 512 characters');
  if (q.startsWith('pkg:')) {
    let p: PackageURL;
    try {
      p = PackageURL.fromString(q);
    } catch (error) {
      throw new InputError(
        `package "${q}" is not a valid purl: ${(error as Error).message}`,
      );
    }
    return {
      type: p.type,
      namespace: p.namespace ?? undefined,
      name: p.name,
      version: p.version ?? undefined,
    };
  }
  const slash = q.lastIndexOf('/');
  if (slash > 0)
    return { namespace: q.slice(0, slash), name: q.slice(slash + 1) };
  return { name: q };
}

/** Checks a semver range once, with a message that says what is wrong. */
export function parseRange(range: string | undefined): string | undefined {
  if (range === undefined || range.trim() === '' || range.trim() === '*')
    return undefined;
  if (range.length > 256)
    throw new InputError('range must be at most 256 characters');
  const valid = semver.validRange(range, { loose: true });
  if (valid === null)
    throw new InputError(
      `range "${range}" is not a semver range (examples: <4.17.21, >=2.0.0 <2.15.0, ^1.2)`,
    );
  return range;
}

/**
 * Whether a stored version is in the range. Pre-releases count (a
 * `2.15.0-rc1` is inside `<2.15.0`). Versions that are not semver (git
 * hashes, `2.0.0.RELEASE`) are coerced when they start like one
 * (`2.0.0.RELEASE` as 2.0.0), and otherwise match no range.
 */
export function versionInRange(
  version: string,
  range: string | undefined,
): boolean {
  if (range === undefined) return true;
  const v =
    semver.valid(version, { loose: true }) ?? semver.coerce(version)?.version;
  if (!v) return false;
  return semver.satisfies(v, range, { includePrerelease: true, loose: true });
}
