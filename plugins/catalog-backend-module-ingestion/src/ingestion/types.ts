import type {
  IngestionProblem,
  IngestionSourceType,
} from '@internal/plugin-catalog-ingestion-common';
import type {
  DiscoveredEntity,
  RepositoryContent,
} from '@internal/plugin-catalog-ingestion-node';

export type { DiscoveredEntity, RepositoryContent };

/** A repository in a source's listing. */
export interface RepositoryRef {
  name: string;
  /** Path or clone URL. */
  location: string;
  /** Default branch. */
  branch?: string;
  /** Head commit of the default branch; undefined for an empty repository. */
  commit?: string;
  /**
   * Set when the repository is listed but cannot be read right now: its
   * entities are kept and the error is reported.
   */
  error?: string;
}

/** Where repositories come from: a local directory, GitHub, GitLab. */
export interface RepositorySource {
  readonly id: string;
  readonly type: IngestionSourceType;
  readonly target: string;
  /** The complete listing; throws when the source cannot be listed. */
  list(): Promise<RepositoryRef[]>;
  /** One repository by name, for a push; undefined when it does not exist. */
  get(name: string): Promise<RepositoryRef | undefined>;
  read(repo: RepositoryRef): Promise<RepositoryContent>;
  /**
   * For sources that are not git repositories (an org export): reads the
   * entities directly instead of descriptor files; no SBOMs or docs.
   */
  readEntities?(repo: RepositoryRef): Promise<RepositoryReadResult>;
  /** The `backstage.io/managed-by-location` of an entity from `file`. */
  locationOf(repo: RepositoryRef, file: string): string;
}

export interface RepositoryReadResult {
  entities: DiscoveredEntity[];
  problems: Omit<IngestionProblem, 'sourceId' | 'repository'>[];
}
