import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  DiscoveredEntity,
  RepositoryContent,
  RepositoryKey,
} from './types';

/** What a reader is given for each repository read from a git source. */
export interface RepositoryFileReaderContext extends RepositoryKey {
  /** The files of the repository's head commit. */
  content: RepositoryContent;
  /**
   * The entities accepted from the repository (allowed kinds, not defined
   * elsewhere first), in the order they were read.
   */
  entities: DiscoveredEntity[];
  /** Largest file read, in bytes (`catalog.ingestion.maxFileBytes`). */
  maxFileBytes: number;
}

/**
 * A refused file or annotation: a problem of the repository on the
 * Catalog ingestion page and in the run, like a refused descriptor.
 */
export interface RepositoryFileProblem {
  file: string;
  message: string;
  /** The entity the problem is about, when there is one. */
  entityRef?: string;
}

/** What a reader found in one repository. */
export interface RepositoryFileReadResult {
  problems: RepositoryFileProblem[];
  /**
   * Stores what was read. Called once the repository's entities are
   * committed; not called when the repository could not be read, so what
   * was stored before stays.
   */
  commit(): Promise<void>;
}

/**
 * Reads files of every repository that ingestion reads (git sources, not
 * org exports), next to its descriptors: SBOMs, docs.
 */
export interface RepositoryFileReader {
  /** Short name, for logs. */
  readonly name: string;
  read(context: RepositoryFileReaderContext): Promise<RepositoryFileReadResult>;
  /** Removes what is stored for a repository that is gone from its source. */
  removeRepository(key: RepositoryKey): Promise<void>;
}

/** Where the entities discovered by ingestion came from. */
export interface DiscoveredEntityOrigins {
  /** The repository an entity (lower-case ref) was discovered in. */
  entityOrigin(entityRef: string): Promise<RepositoryKey | undefined>;
  /**
   * The entities discovered in the given repositories, ordered by ref
   * (lower-case refs).
   */
  repositoryEntities(
    repositories: RepositoryKey[],
  ): Promise<Array<RepositoryKey & { entityRef: string }>>;
}

export interface CatalogIngestionReadersExtensionPoint {
  /** Adds readers, called in the order added for every repository read. */
  addReader(...readers: RepositoryFileReader[]): void;
  /**
   * Where discovered entities came from; answers once the catalog has
   * started (from route handlers, not during init).
   */
  readonly origins: DiscoveredEntityOrigins;
}

/**
 * Lets catalog modules read files of the repositories that catalog
 * ingestion discovers, and look up where a discovered entity came from.
 */
export const catalogIngestionReadersExtensionPoint =
  createExtensionPoint<CatalogIngestionReadersExtensionPoint>({
    id: 'catalog.ingestion.readers',
  });
