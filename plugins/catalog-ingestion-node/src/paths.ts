import path from 'node:path';
import type { DiscoveredEntity } from './types';

/** Resolves `target` relative to `file`, or undefined when it leaves the repository. */
export function resolveInRepository(
  file: string,
  target: string,
): string | undefined {
  if (target.startsWith('/')) return undefined;
  const resolved = path.posix.normalize(
    path.posix.join(path.posix.dirname(file), target),
  );
  if (resolved === '..' || resolved.startsWith('../')) return undefined;
  return resolved;
}

/**
 * Where a file found next to descriptors (an SBOM, an OpenSLO file)
 * belongs, from the candidate entities (already filtered by kind):
 * - `entity`: the only candidate described in the nearest directory at or
 *   above the file that has any;
 * - `ambiguous`: that directory describes several (`dir` is `.` for the
 *   repository root); the caller may pick one or ask for an annotation;
 * - `none`: no candidate is described in the file's directory or above.
 */
export type NearestEntity =
  | { entity: DiscoveredEntity }
  | { ambiguous: DiscoveredEntity[]; dir: string }
  | { none: true };

export function nearestEntity(
  file: string,
  candidates: DiscoveredEntity[],
): NearestEntity {
  for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
    const here = candidates.filter(c => path.posix.dirname(c.file) === dir);
    if (here.length === 1) return { entity: here[0] };
    if (here.length > 1) return { ambiguous: here, dir };
    if (dir === '.') return { none: true };
  }
}

/** A directory as shown in problems. */
export function describeDir(dir: string): string {
  return dir === '.' ? 'the repository root' : dir;
}
