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

/** An advisory as the vulnerability answers show it. */
export interface AdvisorySummary {
  id: string;
  aliases: string[];
  summary?: string;
  severity?: 'critical' | 'high' | 'medium' | 'low';
  cvss?: string;
  published?: string;
  modified: string;
  references: string[];
}

/** A component package an advisory affects. */
export interface Vulnerability {
  entityRef: string;
  /** The affected package, with its version. */
  purl: string;
  advisory: AdvisorySummary;
  /** One key per vulnerability across databases: its CVE, else the advisory id. */
  vulnKey: string;
  /** The lowest version that fixes it, when the advisory names one. */
  fixedIn?: string;
  /** Since when the component is known to be affected. */
  firstSeenAt: string;
  /** Owner ref of the component, from the catalog. */
  owner?: string;
  title?: string;
}

/** Answer of `GET /api/catalog/ingestion/dependencies/vulnerabilities[?entityRef=]`. */
export interface VulnerabilityList {
  items: Vulnerability[];
}

/** What one import of an advisory source did. */
export interface AdvisoryImportResult {
  sourceId: string;
  files: number;
  added: number;
  changed: number;
  unchanged: number;
  /** Files refused, with what is wrong and where (the first 100). */
  refused: Array<{ file: string; problems: string[] }>;
  refusedCount: number;
}
