import type { TemplateVersionSummary } from '@internal/plugin-golden-paths-common';

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/;

/**
 * Orders two versions: negative when `a` is older than `b`. Semantic
 * versions by their numbers (a pre-release before its release); anything
 * else by its digits as numbers (`1.10` after `1.9`).
 */
export function compareVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a.trim());
  const mb = SEMVER.exec(b.trim());
  if (ma && mb) {
    for (let i = 1; i <= 3; i++) {
      const d = Number(ma[i]) - Number(mb[i]);
      if (d !== 0) return d;
    }
    if (ma[4] === mb[4]) return 0;
    if (ma[4] === undefined) return 1;
    if (mb[4] === undefined) return -1;
    return ma[4].localeCompare(mb[4], 'en', { numeric: true });
  }
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * How many versions of a template are newer than `version`: those of the
 * summary (and its latest) strictly newer; 0 when up to date or ahead.
 */
export function versionsBehind(
  summary: TemplateVersionSummary,
  version: string,
): number {
  const latest = summary.latestVersion;
  if (!latest || latest === version) return 0;
  const order = compareVersions(latest, version);
  if (order === 0) return 0;
  // Newer than the template's latest: ahead, not behind.
  if (order < 0) return 0;
  // The latest counts even when no component was made with it yet.
  const known = new Set(summary.versions.map(v => v.version));
  known.add(latest);
  return [...known].filter(v => compareVersions(v, version) > 0).length;
}

const WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
];

/** `one version`, `two versions`, `12 versions`. */
export function versionCount(n: number): string {
  const word = WORDS[n] ?? String(n);
  return n === 1 ? `${word} version` : `${word} versions`;
}
