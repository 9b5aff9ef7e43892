export interface Config {
  catalog?: {
    ingestion?: {
      sources?: Array<{
        /**
         * Globs of SBOM files (CycloneDX or SPDX JSON), read by the
         * dependency inventory. Default: bom.json, sbom.json, *.cdx.json,
         * *.spdx.json anywhere (outside node_modules). Not read for org
         * sources.
         */
        sbomGlobs?: string[];
      }>;
      /** Largest SBOM accepted by the upload API, in bytes. Default 20 MiB. */
      maxSbomBytes?: number;
      /**
       * Advisories in OSV format, matched against every stored package.
       * Each source is a directory of OSV JSON files (for example an
       * unpacked osv.dev ecosystem archive), read recursively; unchanged
       * files are not processed again.
       */
      advisories?: {
        sources?: Array<{ id: string; path: string }>;
        /** How often the sources are read; default every 6 hours. */
        schedule?: {
          frequency: { [unit: string]: number } | string;
          timeout: { [unit: string]: number } | string;
          initialDelay?: { [unit: string]: number } | string;
        };
      };
    };
  };
}
