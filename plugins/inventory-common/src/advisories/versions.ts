import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { compareMaven } from './maven';

/**
 * The OSV ecosystems whose version order the portal knows; advisories of
 * other ecosystems match only the exact versions they list.
 */
export const ORDERED_ECOSYSTEMS = ['npm', 'Maven', 'PyPI', 'Go'] as const;

export type OrderedEcosystem = (typeof ORDERED_ECOSYSTEMS)[number];

/** A semantic version, with or without Go's leading `v`; null when not one. */
export const semverOf = (v: string) => semver.valid(v.replace(/^v/, ''));

/**
 * Compares two versions of one ecosystem with its own rules (npm and Go:
 * semantic versions, Go with its `v`; PyPI: PEP 440; Maven: Maven's order).
 * Undefined when the ecosystem has no known order or a version is not valid
 * in it.
 */
export function compareVersions(
  ecosystem: string,
  a: string,
  b: string,
): number | undefined {
  switch (ecosystem) {
    case 'npm': {
      const x = semver.valid(a);
      const y = semver.valid(b);
      return x && y ? semver.compare(x, y) : undefined;
    }
    case 'Go': {
      const x = semverOf(a);
      const y = semverOf(b);
      return x && y ? semver.compare(x, y) : undefined;
    }
    case 'PyPI':
      return pep440.valid(a) && pep440.valid(b)
        ? pep440.compare(a, b)
        : undefined;
    case 'Maven':
      return a.trim() && b.trim() ? compareMaven(a, b) : undefined;
    default:
      return undefined;
  }
}
