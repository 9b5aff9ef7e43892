import { InputError } from '@backstage/errors';
import type { ComponentPackage } from '@internal/plugin-inventory-common';
import { PackageURL } from 'packageurl-js';

export interface ParsedSbom {
  format: 'cyclonedx' | 'spdx';
  /** Name of what the SBOM describes (CycloneDX metadata.component, SPDX root package). */
  rootName?: string;
  packages: ComponentPackage[];
  /** Parts that were skipped, with where they are. */
  warnings: string[];
}

/** Most packages accepted from one SBOM. */
export const MAX_SBOM_PACKAGES = 100_000;

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deepest nesting of CycloneDX `components` read (a guard for the stack). */
const MAX_COMPONENT_DEPTH = 100;

/** A value for a message: JSON, cut short (never "[object Object]"). */
function shown(value: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(value);
  } catch {
    s = undefined;
  }
  s ??= Object.prototype.toString.call(value);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/**
 * Reads a CycloneDX JSON (1.2 to 1.6) or SPDX JSON (2.2, 2.3, 3.0) SBOM into
 * the packages it lists, each marked direct or transitive from the
 * dependency graph (when the SBOM has no graph for its root, every package
 * counts as direct). Throws an InputError that says what and where when the
 * document is not an SBOM this reader understands.
 */
export function parseSbom(data: unknown): ParsedSbom {
  if (!isObject(data)) throw new InputError('SBOM must be a JSON object');
  if (data.bomFormat !== undefined) return parseCycloneDx(data);
  if (typeof data.spdxVersion === 'string') return parseSpdx2(data);
  if (Array.isArray(data['@graph'])) return parseSpdx3(data);
  throw new InputError(
    'not a CycloneDX or SPDX JSON document: expected "bomFormat": "CycloneDX", "spdxVersion" or an SPDX 3 "@graph"',
  );
}

function packageFrom(
  purl: unknown,
  fallback: { name?: unknown; group?: unknown; version?: unknown },
  where: string,
  warnings: string[],
): Omit<ComponentPackage, 'direct'> | undefined {
  if (typeof purl === 'string' && purl.length > 0) {
    try {
      const p = PackageURL.fromString(purl);
      const version =
        p.version ??
        (typeof fallback.version === 'string' ? fallback.version : '');
      const base = new PackageURL(
        p.type,
        p.namespace,
        p.name,
        version || undefined,
        undefined,
        undefined,
      );
      return {
        purl: base.toString(),
        type: p.type,
        namespace: p.namespace ?? undefined,
        name: p.name,
        version,
      };
    } catch (error) {
      warnings.push(
        `${where}: invalid purl "${purl}" (${
          (error as Error).message
        }); using its name`,
      );
    }
  }
  if (typeof fallback.name !== 'string' || fallback.name.length === 0)
    return undefined;
  const namespace =
    typeof fallback.group === 'string' && fallback.group
      ? fallback.group
      : undefined;
  const version = typeof fallback.version === 'string' ? fallback.version : '';
  let generic: string;
  try {
    generic = new PackageURL(
      'generic',
      namespace,
      fallback.name,
      version || undefined,
      undefined,
      undefined,
    ).toString();
  } catch (error) {
    // A blank name, or one that is not valid Unicode.
    warnings.push(
      `${where}: name ${shown(fallback.name)} cannot be a package URL (${
        (error as Error).message
      }); skipped`,
    );
    return undefined;
  }
  return {
    purl: generic,
    type: 'generic',
    namespace,
    name: fallback.name,
    version,
  };
}

function cycloneDxLicenses(component: Json): string[] | undefined {
  if (!Array.isArray(component.licenses)) return undefined;
  const out = component.licenses
    .map((l: Json) => l?.license?.id ?? l?.license?.name ?? l?.expression)
    .filter((l: unknown): l is string => typeof l === 'string');
  return out.length ? out : undefined;
}

const CYCLONEDX_PACKAGE_TYPES = new Set([
  'library',
  'framework',
  'application',
  'container',
  'platform',
  'operating-system',
  'firmware',
  'device-driver',
]);

function parseCycloneDx(bom: Json): ParsedSbom {
  if (bom.bomFormat !== 'CycloneDX') {
    throw new InputError(
      `bomFormat is ${shown(bom.bomFormat)}, expected "CycloneDX"`,
    );
  }
  if (typeof bom.specVersion !== 'string')
    throw new InputError('CycloneDX specVersion is missing');
  const warnings: string[] = [];
  const root = isObject(bom.metadata?.component)
    ? bom.metadata.component
    : undefined;
  const rootRef =
    typeof root?.['bom-ref'] === 'string' ? root['bom-ref'] : undefined;

  const flat: Array<{ component: Json; where: string }> = [];
  const walk = (list: unknown, where: string, depth: number) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw new InputError(`${where} must be an array`);
    if (depth > MAX_COMPONENT_DEPTH)
      throw new InputError(
        `${where} is nested deeper than ${MAX_COMPONENT_DEPTH} levels of components`,
      );
    list.forEach((c, i) => {
      const at = `${where}[${i}]`;
      if (!isObject(c)) throw new InputError(`${at} must be an object`);
      if (typeof c.type !== 'string')
        throw new InputError(`${at} has no "type"`);
      if (typeof c.name !== 'string' || c.name === '')
        throw new InputError(`${at} has no "name"`);
      flat.push({ component: c, where: at });
      walk(c.components, `${at}.components`, depth + 1);
    });
  };
  walk(bom.components, 'components', 1);
  if (flat.length > MAX_SBOM_PACKAGES) {
    throw new InputError(
      `SBOM lists ${flat.length} components; at most ${MAX_SBOM_PACKAGES} are accepted`,
    );
  }

  const rootDeps = Array.isArray(bom.dependencies)
    ? bom.dependencies.find(
        (d: Json) => isObject(d) && rootRef !== undefined && d.ref === rootRef,
      )
    : undefined;
  const direct: Set<string> | undefined = Array.isArray(rootDeps?.dependsOn)
    ? new Set(rootDeps.dependsOn.filter((r: unknown) => typeof r === 'string'))
    : undefined;

  const packages: ComponentPackage[] = [];
  for (const { component, where } of flat) {
    if (rootRef !== undefined && component['bom-ref'] === rootRef) continue;
    if (!component.purl && !CYCLONEDX_PACKAGE_TYPES.has(component.type))
      continue;
    const pkg = packageFrom(component.purl, component, where, warnings);
    if (!pkg) continue;
    packages.push({
      ...pkg,
      direct: direct ? direct.has(component['bom-ref']) : true,
      licenses: cycloneDxLicenses(component),
    });
  }
  return {
    format: 'cyclonedx',
    rootName: typeof root?.name === 'string' ? root.name : undefined,
    packages: dedupe(packages),
    warnings,
  };
}

const SPDX2_FORWARD = new Set([
  'DEPENDS_ON',
  'DYNAMIC_LINK',
  'STATIC_LINK',
  'CONTAINS',
  'HAS_PREREQUISITE',
]);
const SPDX2_REVERSE = new Set([
  'DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'BUILD_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'CONTAINED_BY',
  'PREREQUISITE_FOR',
]);

function spdx2Licenses(p: Json): string[] | undefined {
  const out = [p.licenseConcluded, p.licenseDeclared].filter(
    (l: unknown): l is string =>
      typeof l === 'string' && l !== 'NOASSERTION' && l !== 'NONE',
  );
  return out.length ? [...new Set(out)] : undefined;
}

function parseSpdx2(doc: Json): ParsedSbom {
  if (!/^SPDX-2\.\d+$/.test(doc.spdxVersion)) {
    throw new InputError(
      `spdxVersion "${doc.spdxVersion}" is not supported; expected SPDX-2.x or SPDX 3 JSON-LD`,
    );
  }
  if (doc.packages !== undefined && !Array.isArray(doc.packages))
    throw new InputError('packages must be an array');
  const list: Json[] = doc.packages ?? [];
  if (list.length > MAX_SBOM_PACKAGES) {
    throw new InputError(
      `SBOM lists ${list.length} packages; at most ${MAX_SBOM_PACKAGES} are accepted`,
    );
  }
  const relationships: Json[] = Array.isArray(doc.relationships)
    ? doc.relationships.filter(isObject)
    : [];
  const roots = new Set<string>(
    Array.isArray(doc.documentDescribes) ? doc.documentDescribes : [],
  );
  for (const r of relationships) {
    if (r.relationshipType === 'DESCRIBES' && r.spdxElementId === doc.SPDXID)
      roots.add(r.relatedSpdxElement);
    if (
      r.relationshipType === 'DESCRIBED_BY' &&
      r.relatedSpdxElement === doc.SPDXID
    )
      roots.add(r.spdxElementId);
  }
  const direct = new Set<string>();
  for (const r of relationships) {
    if (SPDX2_FORWARD.has(r.relationshipType) && roots.has(r.spdxElementId))
      direct.add(r.relatedSpdxElement);
    if (
      SPDX2_REVERSE.has(r.relationshipType) &&
      roots.has(r.relatedSpdxElement)
    )
      direct.add(r.spdxElementId);
  }
  const warnings: string[] = [];
  const packages: ComponentPackage[] = [];
  let rootName: string | undefined;
  list.forEach((p, i) => {
    const where = `packages[${i}]`;
    if (!isObject(p)) throw new InputError(`${where} must be an object`);
    if (typeof p.name !== 'string' || p.name === '')
      throw new InputError(`${where} has no "name"`);
    if (roots.has(p.SPDXID)) {
      rootName ??= p.name;
      return;
    }
    const purl = Array.isArray(p.externalRefs)
      ? p.externalRefs.find((r: Json) => r?.referenceType === 'purl')
          ?.referenceLocator
      : undefined;
    const pkg = packageFrom(
      purl,
      { name: p.name, version: p.versionInfo },
      where,
      warnings,
    );
    if (!pkg) return;
    packages.push({
      ...pkg,
      direct: direct.size === 0 ? true : direct.has(p.SPDXID),
      licenses: spdx2Licenses(p),
    });
  });
  return { format: 'spdx', rootName, packages: dedupe(packages), warnings };
}

const SPDX3_DEPENDENCY = new Set([
  'dependsOn',
  'contains',
  'hasDynamicLink',
  'hasStaticLink',
  'hasPrerequisite',
]);

function parseSpdx3(doc: Json): ParsedSbom {
  const graph: Json[] = doc['@graph'].filter(isObject);
  const byId = new Map(
    graph
      .filter(e => typeof e.spdxId === 'string')
      .map(e => [e.spdxId as string, e]),
  );
  const roots = new Set<string>();
  for (const e of graph) {
    if (
      (e.type === 'SpdxDocument' || e.type === 'software_Sbom') &&
      Array.isArray(e.rootElement)
    ) {
      for (const r of e.rootElement)
        if (byId.get(r)?.type === 'software_Package') roots.add(r);
    }
  }
  const relationships = graph.filter(
    e => e.type === 'Relationship' || e.type === 'LifecycleScopedRelationship',
  );
  for (const r of relationships) {
    if (r.relationshipType === 'describes' && Array.isArray(r.to)) {
      for (const t of r.to)
        if (byId.get(t)?.type === 'software_Package') roots.add(t);
    }
  }
  const direct = new Set<string>();
  for (const r of relationships) {
    if (
      SPDX3_DEPENDENCY.has(r.relationshipType) &&
      roots.has(r.from) &&
      Array.isArray(r.to)
    ) {
      for (const t of r.to) direct.add(t);
    }
  }
  const packages: ComponentPackage[] = [];
  const warnings: string[] = [];
  let rootName: string | undefined;
  const pkgs = graph.filter(e => e.type === 'software_Package');
  if (pkgs.length > MAX_SBOM_PACKAGES) {
    throw new InputError(
      `SBOM lists ${pkgs.length} packages; at most ${MAX_SBOM_PACKAGES} are accepted`,
    );
  }
  pkgs.forEach((p, i) => {
    const where = `@graph software_Package ${
      typeof p.spdxId === 'string' ? p.spdxId : i
    }`;
    if (typeof p.name !== 'string' || p.name === '')
      throw new InputError(`${where} has no "name"`);
    if (roots.has(p.spdxId)) {
      rootName ??= p.name;
      return;
    }
    const purl =
      p.software_packageUrl ??
      (Array.isArray(p.externalIdentifier)
        ? p.externalIdentifier.find(
            (x: Json) => x?.externalIdentifierType === 'packageUrl',
          )?.identifier
        : undefined);
    const pkg = packageFrom(
      purl,
      { name: p.name, version: p.software_packageVersion },
      where,
      warnings,
    );
    if (!pkg) return;
    packages.push({
      ...pkg,
      direct: direct.size === 0 ? true : direct.has(p.spdxId),
    });
  });
  return { format: 'spdx', rootName, packages: dedupe(packages), warnings };
}

/** One row per purl; a package listed as direct anywhere stays direct. */
function dedupe(packages: ComponentPackage[]): ComponentPackage[] {
  const byPurl = new Map<string, ComponentPackage>();
  for (const p of packages) {
    const seen = byPurl.get(p.purl);
    if (!seen) byPurl.set(p.purl, p);
    else if (p.direct && !seen.direct)
      byPurl.set(p.purl, { ...seen, direct: true });
  }
  return [...byPurl.values()];
}
