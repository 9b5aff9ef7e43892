export interface Config {
  slo?: {
    /** The platform's own SLOs (OpenSLO, metric source type Portal). */
    /** Largest request body of the SLO API (413 above it). Default 2 MiB. */
    maxBodyBytes?: number;
    platform?: {
      /** Path of the OpenSLO file, relative to the backend's working directory. */
      file?: string;
      /** The entity the platform SLOs belong to (default component:default/platform-portal). */
      entityRef?: string;
    };
    evaluation?: {
      /** How often SLOs are evaluated, ms (default one minute). */
      frequencyMs?: number;
      /** Minutes the evaluation stays behind now, for late data (default 1). */
      delayMinutes?: number;
      /** How far back a new SLO's data is read, days (default 7). */
      backfillDays?: number;
      /** A source read taking longer fails, ms (default 10000). */
      timeoutMs?: number;
    };
    sync?: {
      /** How often definitions are re-read from repositories and the platform file, ms. */
      frequencyMs?: number;
    };
    probe?: {
      /** Probe the portal's own endpoints (default true). */
      enabled?: boolean;
      frequencyMs?: number;
      timeoutMs?: number;
      /** What to probe (default: backend readiness, catalog, scaffolder). */
      targets?: Array<{ name: string; plugin?: string; path: string }>;
    };
    provisioning?: {
      frequencyMs?: number;
      /** Scaffolder tasks created longer ago are not read again (default 6). */
      lookBackHours?: number;
    };
    prometheus?: {
      /** The Prometheus that SLOs with metric source type Prometheus query. */
      baseUrl?: string;
      /** Other Prometheus URLs an SLO's DataSource may name. */
      allowedUrls?: string[];
      /** Range query resolution, seconds (default 60). */
      stepSeconds?: number;
    };
  };
}
