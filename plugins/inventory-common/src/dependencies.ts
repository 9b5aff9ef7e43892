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
  /**
   * Where the document leaves its format's schema (CycloneDX 1.2-1.6, SPDX
   * 2.2/2.3/3.0), each with where: stored because its packages could be
   * read. Absent or empty: valid.
   */
  problems?: string[];
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
  /** The SBOM stored; absent when the document was a VEX document only. */
  sbom?: StoredSbom;
  /** VEX statements read from the document (its `vulnerabilities` with an `analysis`). */
  vex?: { statements: number };
  /** Where the document leaves its schema; it was stored all the same. */
  problems: string[];
}

/**
 * CycloneDX VEX analysis states. `not_affected`, `false_positive`,
 * `resolved` and `resolved_with_pedigree` hide a match; `in_triage` and
 * `exploitable` are shown with it.
 */
export type VexState =
  | 'resolved'
  | 'resolved_with_pedigree'
  | 'exploitable'
  | 'in_triage'
  | 'false_positive'
  | 'not_affected';

/** The VEX states that hide a match from the lists and the scorecard. */
export const VEX_HIDING_STATES: ReadonlyArray<VexState> = [
  'not_affected',
  'false_positive',
  'resolved',
  'resolved_with_pedigree',
];

/** A VEX statement about a vulnerability in one component (or one of its packages). */
export interface VexStatement {
  /** The vulnerability as the statement names it (CVE, GHSA, OSV id). */
  vulnerability: string;
  state: VexState;
  /** Why it is not affected (CycloneDX justification, e.g. `code_not_reachable`). */
  justification?: string;
  /** What the producer does about it (`update`, `will_not_fix`, ...). */
  response?: string[];
  detail?: string;
  /** The package the statement is about; absent: the whole component. */
  purl?: string;
  /** Where the statement came from: `upload` or `repository:<source>/<repo>:<file>`. */
  origin: string;
  /** When the statement was made (its analysis' lastUpdated or firstIssued, else when stored). */
  statedAt: string;
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
  /** The VEX statement about this match, when one was made. */
  vex?: VexStatement;
}

/** Answer of `GET /api/catalog/ingestion/dependencies/vulnerabilities[?entityRef=]`. */
export interface VulnerabilityList {
  /** Matches that count: none, or an `in_triage` / `exploitable` statement. */
  items: Vulnerability[];
  /** Matches a VEX statement hides (not affected, false positive, resolved), with it. */
  suppressed: Vulnerability[];
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
  /**
   * The source (a URL, or a local archive) is unchanged since its last
   * complete read (the server answered 304 Not Modified): nothing was read.
   */
  notModified?: boolean;
}
