import semver from 'semver';
import type { AffectedPackage, AffectedRange, RangeEvent } from './osv';
import { compareVersions, semverOf } from './versions';

/** Whether a version is affected, and the first version that fixes it. */
export interface Verdict {
  affected: boolean;
  /** The lowest `fixed` version above the one checked, if the range has one. */
  fixedIn?: string;
}

function comparatorOf(
  range: AffectedRange,
  ecosystem: string,
): (a: string, b: string) => number | undefined {
  if (range.type === 'SEMVER') {
    return (a, b) => {
      const x = semverOf(a);
      const y = semverOf(b);
      return x && y ? semver.compare(x, y) : undefined;
    };
  }
  return (a, b) => compareVersions(ecosystem, a, b);
}

const valueOf = (e: RangeEvent) => Object.values(e)[0] as string;

/**
 * Whether one range affects a version, by the evaluation of the OSV
 * specification: events in version order, `introduced` opens, `fixed`
 * (at or below the version) and `last_affected` (below it) close.
 * Undefined when the version cannot be ordered in the range's rules.
 */
export function rangeAffects(
  range: AffectedRange,
  ecosystem: string,
  version: string,
): Verdict | undefined {
  const compare = comparatorOf(range, ecosystem);
  if (compare(version, version) === undefined) return undefined;
  // "0" is below every version; events that cannot be ordered are left out.
  const events = range.events.filter(
    e => valueOf(e) === '0' || compare(valueOf(e), valueOf(e)) !== undefined,
  );
  const order = (a: RangeEvent, b: RangeEvent) => {
    if (valueOf(a) === '0') return valueOf(b) === '0' ? 0 : -1;
    if (valueOf(b) === '0') return 1;
    return compare(valueOf(a), valueOf(b)) ?? 0;
  };
  let affected = false;
  for (const e of [...events].sort(order)) {
    const at = valueOf(e);
    if ('introduced' in e) {
      if (at === '0' || compare(version, at)! >= 0) affected = true;
    } else if ('fixed' in e) {
      if (compare(version, at)! >= 0) affected = false;
    } else if ('last_affected' in e) {
      if (compare(version, at)! > 0) affected = false;
    }
  }
  if (!affected) return { affected: false };
  const fixedIn = events
    .filter((e): e is { fixed: string } => 'fixed' in e)
    .map(e => e.fixed)
    .filter(f => compare(f, version)! > 0)
    .sort((a, b) => compare(a, b)!)[0];
  return { affected: true, fixedIn };
}

/**
 * Whether an affected package entry of an advisory affects a version:
 * listed one by one, or inside one of its ranges.
 */
export function packageAffects(pkg: AffectedPackage, version: string): Verdict {
  const verdicts = pkg.ranges
    .map(r => rangeAffects(r, pkg.ecosystem, version))
    .filter((v): v is Verdict => v !== undefined);
  const hit = verdicts.find(v => v.affected);
  if (hit) return hit;
  if (pkg.versions.includes(version)) return { affected: true };
  return { affected: false };
}
