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
       * Unchanged advisories are not processed again.
       */
      advisories?: {
        /** Each source has either `path` or `url`, not both. */
        sources?: Array<{
          /** Names the source in results and logs; unique. */
          id: string;
          /**
           * A directory of OSV JSON files (for example an unpacked osv.dev
           * ecosystem archive), read recursively, or a local `.zip` of them
           * (read again only when its size or time changed).
           */
          path?: string;
          /**
           * An OSV archive to download: a zip of OSV JSON files such as
           * https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip,
           * or one OSV JSON document or a JSON array of them. Downloads are
           * conditional (If-None-Match / If-Modified-Since): an unchanged
           * archive is not read again.
           */
          url?: string;
          /** Largest download of a `url` source, in bytes. Default 512 MiB. */
          maxBytes?: number;
          /** How long a download of a `url` source may take. Default 10 minutes. */
          timeout?: { [unit: string]: number } | string;
        }>;
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
