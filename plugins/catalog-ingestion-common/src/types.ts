/** What started an ingestion run. */
export type IngestionTrigger = 'schedule' | 'webhook' | 'api';

/**
 * How a run ended.
 * - `succeeded`: the source was listed completely and every file was read.
 * - `partial`: the source was listed completely, but some files or rows were
 *   refused (each is an error of the run); everything else was applied.
 * - `failed`: the source could not be listed (network error, revoked token,
 *   missing directory, an empty listing where there used to be
 *   repositories). Nothing was removed: the last good entities are kept.
 */
export type IngestionRunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** Kinds of ingestion sources. */
export type IngestionSourceType = 'local' | 'github' | 'gitlab' | 'org';

/** One problem found while ingesting: a refused file, document or row. */
export interface IngestionProblem {
  sourceId: string;
  /** Repository name within the source, when the problem belongs to one. */
  repository?: string;
  /** Path of the file inside the repository (or the org export file). */
  file?: string;
  /** 1-based line in that file, when known. */
  line?: number;
  /** The entity the problem is about, when it could be determined. */
  entityRef?: string;
  message: string;
}

/** One ingestion run of one source (a full scan or a single repository). */
export interface IngestionRun {
  id: string;
  sourceId: string;
  trigger: IngestionTrigger;
  /** Set when the run re-scanned only this repository. */
  repository?: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  status: IngestionRunStatus;
  /** Repositories (or files) in the source's listing. */
  repositories: number;
  /** Repositories whose head changed, so they were read again. */
  repositoriesRead: number;
  /** Entities found in what was read during this run. */
  entitiesFound: number;
  added: number;
  changed: number;
  removed: number;
  errorCount: number;
  /** The errors of this run (the first few hundred). */
  errors: IngestionProblem[];
  /** Why a run failed, or a short note. */
  message?: string;
}

/** The current state of one configured source. */
export interface IngestionSourceSummary {
  id: string;
  type: IngestionSourceType;
  /** Directory, organisation or file the source reads. */
  target: string;
  repositories: number;
  entities: number;
  /** Problems currently outstanding (from the latest read of each repository). */
  problems: number;
  lastRun?: IngestionRun;
  lastSuccessfulRunAt?: string;
}

/** Run counts over a time window, for SLOs (ingestion success rate). */
export interface IngestionHealthWindow {
  from: string;
  to: string;
  runs: number;
  /** Runs that completed their listing: `succeeded` plus `partial`. */
  good: number;
  failed: number;
  /** good / runs, or null when there were no runs in the window. */
  successRate: number | null;
}

/** Answer of `GET /api/catalog/ingestion/health`. */
export interface IngestionHealth extends IngestionHealthWindow {
  sources: Array<IngestionHealthWindow & { sourceId: string }>;
  /**
   * The canary in the window: changes handed to the catalog and how many
   * the catalog API served within the timeout (what people wait for).
   * Absent when the canary is off.
   */
  canary?: IngestionCanaryHealth;
}

/** Canary changes of a window and how fast the catalog served them. */
export interface IngestionCanaryHealth {
  total: number;
  /** Of those, served by the catalog API within the timeout. */
  visible: number;
  /** visible / total; null without canaries. */
  visibleRate: number | null;
  medianMs?: number;
  p95Ms?: number;
  last?: { startedAt: string; visibleAfterMs?: number; error?: string };
}

/** Answer of `POST /api/catalog/ingestion/rescan` and the push webhook. */
export interface RescanResult {
  runs: IngestionRun[];
}

/**
 * An OpenSLO file found in a repository, as read from its head commit. Not
 * parsed here: the SLO backend parses and validates it.
 */
export interface OpenSloFile {
  /** Lower-case ref of the entity the file belongs to. */
  entityRef: string;
  /** Path of the file inside the repository. */
  file: string;
  /** The file's text (UTF-8). */
  content: string;
  sourceId: string;
  repository: string;
  /** When it was stored (ISO 8601): the repository's last read. */
  storedAt: string;
}

/** Answer of `GET /api/catalog/ingestion/openslo?offset=&limit=&entityRef=`. */
export interface OpenSloFilePage {
  /** Ordered by entity ref, then file. */
  items: OpenSloFile[];
  /** Offset of the next page, absent on the last one. */
  nextOffset?: number;
}
