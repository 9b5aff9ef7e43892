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
    };
  };
}
