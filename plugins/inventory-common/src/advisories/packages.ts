/**
 * The OSV ecosystem and package name of an inventory package (its purl's
 * type, namespace and name), so advisories and SBOMs meet on one key.
 */

const ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  maven: 'Maven',
  pypi: 'PyPI',
  golang: 'Go',
  gem: 'RubyGems',
  cargo: 'crates.io',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
};

/** PyPI names compare normalised (PEP 503): `Foo_Bar.baz` is `foo-bar-baz`. */
export function normalizePackageName(ecosystem: string, name: string) {
  if (ecosystem === 'PyPI')
    return name.toLocaleLowerCase('en-US').replace(/[-_.]+/g, '-');
  if (ecosystem === 'NuGet') return name.toLocaleLowerCase('en-US');
  return name;
}

/** The OSV key of a package, or undefined for a purl type OSV does not cover. */
export function osvPackageOf(pkg: {
  type: string;
  namespace?: string | null;
  name: string;
}): { ecosystem: string; name: string } | undefined {
  const ecosystem = ECOSYSTEMS[pkg.type];
  if (!ecosystem) return undefined;
  const ns = pkg.namespace ?? undefined;
  let name: string;
  switch (pkg.type) {
    case 'maven':
      name = ns ? `${ns}:${pkg.name}` : pkg.name;
      break;
    case 'npm':
    case 'golang':
    case 'composer':
      name = ns ? `${ns}/${pkg.name}` : pkg.name;
      break;
    default:
      name = pkg.name;
  }
  return { ecosystem, name: normalizePackageName(ecosystem, name) };
}

/** The package of a purl in words: `lodash 4.17.20`; the purl when unreadable. */
export function packageOf(purl: string): string {
  const match = /^pkg:[^/]+\/(.+?)@([^?#]+)/.exec(purl);
  if (!match) return purl;
  return `${decodeURIComponent(match[1])} ${decodeURIComponent(match[2])}`;
}
