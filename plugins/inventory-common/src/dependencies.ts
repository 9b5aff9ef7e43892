/**
 * Dependency inventory: packages used by components, from CycloneDX or
 * SPDX SBOMs found in their repositories or uploaded through the API.
 */

/** A package a component depends on, from one of its SBOMs. */
export interface ComponentPackage {
  /** Package URL with version, e.g. `pkg:npm/%40scope/name@1.2.3`. */
  purl: string;
  /** purl type: npm, maven, pypi, golang, ... */
  type: string;
  namespace?: string;
  name: string;
  version: string;
  /** True when the component depends on it directly, false when transitively. */
  direct: boolean;
  licenses?: string[];
}

/** One SBOM stored for a component. */
export interface StoredSbom {
  id: string;
  entityRef: string;
  format: 'cyclonedx' | 'spdx';
  /** `repository:<sourceId>/<repo>:<file>` or `upload`. */
  origin: string;
  storedAt: string;
  packages: number;
}

/** Answer of `GET /api/catalog/ingestion/dependencies/entity?entityRef=`. */
export interface EntityDependencies {
  entityRef: string;
  sboms: StoredSbom[];
  packages: ComponentPackage[];
}

/** A component that uses a package version matching a query. */
export interface PackageUsage extends ComponentPackage {
  entityRef: string;
  /** Owner ref of the component, from the catalog (when it still exists). */
  owner?: string;
  system?: string;
  title?: string;
}

/**
 * Answer of `GET /api/catalog/ingestion/dependencies/usages?package=&range=`.
 * `package` is a purl without version (`pkg:npm/lodash`) or a bare name
 * (`lodash`, any ecosystem); `range` is a semver range (`<4.17.21`,
 * `>=2.0.0 <2.15.0`); versions that are not semver match only `*` or an
 * exact version.
 */
export interface PackageUsageResult {
  query: { package: string; range?: string };
  /** Number of distinct components affected. */
  components: number;
  items: PackageUsage[];
}

/** Answer of `POST /api/catalog/ingestion/dependencies/sbom?entityRef=` (body: the SBOM JSON). */
export interface SbomUploadResult {
  sbom: StoredSbom;
}
