export interface Config {
  goldenPaths?: {
    publish?: {
      /**
       * Where `portal:publish` creates repositories: `local` (default, the
       * directory below), `github` or `gitlab` (the organisation or group below).
       */
      target?: 'local' | 'github' | 'gitlab';
      /** GitHub organisation for `target: github`, published by the stock `publish:github` action; credentials come from integrations.github. */
      github?: {
        /** Default github.com; needs an integrations.github entry. */
        host?: string;
        org: string;
        /** Default private. */
        visibility?: 'private' | 'internal' | 'public';
        /** Protect the default branch as `publish:github` does. Default true. */
        protectDefaultBranch?: boolean;
      };
      /** GitLab group for `target: gitlab`, published by the stock `publish:gitlab` action; the token comes from integrations.gitlab. */
      gitlab?: {
        /** Default gitlab.com; needs an integrations.gitlab entry. */
        host?: string;
        group: string;
        /** Default private. */
        visibility?: 'private' | 'internal' | 'public';
      };
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
