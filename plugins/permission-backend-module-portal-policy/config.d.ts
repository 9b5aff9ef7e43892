export interface Config {
  portal?: {
    /** The portal's permission policy. */
    permissions?: {
      /**
       * Groups whose members administer the portal: review golden gates,
       * delete entities, register locations, manage templates and push data
       * by hand. Default `group:default/platform-team`.
       */
      platformGroups?: string[];
      /**
       * Further permission names everyone signed in may use (writes of
       * plugins the policy does not know are refused until listed here).
       */
      everyone?: string[];
      /**
       * Scaffolder action ids everyone may execute, next to the defaults
       * (fetch:*, fs:delete/rename/readdir, debug:log, catalog:register/
       * write/fetch, notification:send, publish:github/gitlab and the
       * portal's own). Other actions run for the platform groups only.
       */
      scaffolderActions?: string[];
      /**
       * Entities annotated `portal.dev/visibility: private` are read only by
       * their owners and the platform groups: in the catalog and in every
       * dashboard (DX, SLOs, docs, dependencies). Default false.
       */
      privateEntities?: boolean;
    };
  };
}
