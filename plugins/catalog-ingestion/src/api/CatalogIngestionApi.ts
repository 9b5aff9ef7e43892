import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  DocsFile,
  EntityDocs,
  IngestionHealth,
  IngestionProblem,
  IngestionRun,
  IngestionSourceSummary,
  RescanResult,
} from '@internal/plugin-catalog-ingestion-common';

/**
 * Client of the catalog ingestion routes, `/api/catalog/ingestion/*`,
 * served by the catalog ingestion backend module (plugins/catalog-backend-module-ingestion).
 *
 * @public
 */
export interface CatalogIngestionApi {
  /** The configured sources with their counts and last runs. */
  getSources(): Promise<IngestionSourceSummary[]>;
  /** Recent runs, newest first. */
  getRuns(options?: {
    source?: string;
    limit?: number;
  }): Promise<IngestionRun[]>;
  /** Outstanding problems, of a source, a repository or an entity. */
  getProblems(options?: {
    source?: string;
    repository?: string;
    entityRef?: string;
  }): Promise<IngestionProblem[]>;
  /** Run counts and success rate over the last 24 hours. */
  getHealth(): Promise<IngestionHealth>;
  /** Scans now: every source, one source, or one repository of a source. */
  rescan(options?: {
    source?: string;
    repository?: string;
  }): Promise<RescanResult>;
  /** The Markdown files of the repository an entity was discovered in. */
  getEntityDocs(entityRef: string): Promise<EntityDocs>;
  /** One Markdown file of that repository. */
  getDocsFile(entityRef: string, path: string): Promise<DocsFile>;
  /** An image of that repository, by its path inside the repository. */
  getDocsAsset(entityRef: string, path: string): Promise<Blob>;
}

/** @public */
export const catalogIngestionApiRef = createApiRef<CatalogIngestionApi>({
  id: 'plugin.catalog-ingestion.api',
});
