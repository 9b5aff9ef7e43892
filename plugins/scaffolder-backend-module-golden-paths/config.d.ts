export interface Config {
  goldenPaths?: {
    publish?: {
      /**
       * Directory of bare git repositories that templates publish to when no
       * git host is configured (`portal:publish:local`). The catalog
       * ingestion source that reads it discovers what is published there.
       * Relative paths are relative to the backend's working directory.
       */
      localRoot?: string;
      /**
       * Id of the catalog ingestion source (`catalog.ingestion.sources[].id`)
       * that reads `localRoot`; `portal:catalog:visible` asks it to re-scan
       * the new repository. Default `local-repos`.
       */
      ingestionSource?: string;
      /** Branch of new repositories. Default `main`. */
      defaultBranch?: string;
      /** Largest repository a template may publish, in bytes. Default 50 MiB. */
      maxRepositoryBytes?: number;
    };
    /** How long `portal:catalog:visible` waits for the entity, in ms. Default 30000. */
    visibleTimeoutMs?: number;
  };
}
