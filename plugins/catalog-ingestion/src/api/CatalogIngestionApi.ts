import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
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
}

/** @public */
export const catalogIngestionApiRef = createApiRef<CatalogIngestionApi>({
  id: 'plugin.catalog-ingestion.api',
});
