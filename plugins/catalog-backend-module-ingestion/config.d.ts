export interface Config {
  catalog?: {
    /** Catalog ingestion: repository discovery and its health. */
    ingestion?: {
      /** Where repositories are discovered. */
      sources?: Array<{
        /** Lower-case id, shown on the Catalog ingestion page. */
        id: string;
        /**
         * `local`: a directory whose subdirectories are git repositories (bare or not).
         * `github`: the repositories of a GitHub organisation, through the
         * `integrations.github` entry of its host.
         * `gitlab`: the projects of a GitLab group and its subgroups, through
         * the `integrations.gitlab` entry of its host.
         * `org`: Users and Groups from an HR or directory export (CSV or YAML).
         */
        type: 'local' | 'github' | 'gitlab' | 'org';
        /** gitlab only: the group path (subgroups included). */
        group?: string;
        /** github / gitlab: host of an integrations entry. Default github.com / gitlab.com. */
        host?: string;
        /** github only: the organisation (or user). */
        org?: string;
        /** The directory (local) or export file (org), relative to the backend's working directory or absolute. */
        path?: string;
        /** org only: URL of the export, read through the URL reader (add its host to backend.reading.allow). */
        url?: string;
        /** org only: csv or yaml; by default told from the file extension. */
        format?: 'csv' | 'yaml';
        /** Globs of descriptor files from the repository root. Default: [catalog-info.yaml]. */
        globs?: string[];
        /**
         * Globs of OpenSLO files not named by a `portal.dev/openslo`
         * annotation; each is attached to the component, resource, system or
         * API described in its directory or the nearest one above.
         * Default: slo.yaml, slo.yml, *.openslo.yaml, *.openslo.yml,
         * openslo.yaml anywhere (outside node_modules). Not read for org sources.
         */
        openSloGlobs?: string[];
        /**
         * Kinds this source may define; anything else is a named problem on
         * the ingestion page and the rest of the repository is kept.
         * Default for repositories: Component, API, Resource, System,
         * Domain (no User, Group, Template or Location); for org sources:
         * User, Group.
         */
        kinds?: string[];
        /** Repositories of this source that may also define Templates. */
        templateRepositories?: string[];
        /** Full scan schedule. Default: every 30 s, 10 min timeout. */
        schedule?: {
          frequency: { cron: string } | string | { [unit: string]: number };
          timeout: string | { [unit: string]: number };
          initialDelay?: string | { [unit: string]: number };
        };
      }>;
      /** Largest descriptor, SBOM, doc or OpenSLO file read, in bytes. Default 1 MiB. */
      maxFileBytes?: number;
      /** Largest org export read, in bytes. Default 20 MiB. */
      maxOrgExportBytes?: number;
      /** Days of run history kept. Default 30. */
      runRetentionDays?: number;
      /**
       * The canary: every `intervalSeconds` (default 300; 0 turns it off)
       * the module changes its entity `resource:portal/ingestion-canary`
       * and measures until the catalog API serves the change; a change not
       * served within `timeoutSeconds` (default 60) is a miss. The health
       * page and the `ingestion-visibility` SLO count them.
       */
      canary?: {
        intervalSeconds?: number;
        timeoutSeconds?: number;
        /** Owner of the canary entity. Default group:default/platform-team. */
        owner?: string;
      };
      webhooks?: {
        /** Largest webhook body accepted, in bytes. Default 5 MiB. */
        maxBodyBytes?: number;
        github?: {
          /**
           * Secret of the GitHub push webhook. Without it the webhook
           * refuses every delivery.
           * @visibility secret
           */
          secret?: string;
        };
      };
    };
  };
}
