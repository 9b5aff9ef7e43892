export interface Config {
  goldenPaths?: {
    /**
     * Organisation rules for golden paths, as data. `file` (YAML, relative
     * to the backend's working directory) and the inline `rules` and `gates`
     * are combined. See the plugin README for the format.
     */
    policy?: {
      file?: string;
      rules?: Array<{ [key: string]: unknown }>;
      gates?: Array<{ [key: string]: unknown }>;
    };
    gates?: {
      /**
       * Entity ref of the group told about each new gate request
       * (for example group:default/platform-team). Its catalog title is
       * also who the requester reads they wait for ("the Platform Team").
       * Optional.
       */
      notify?: string;
      /**
       * A reviewer may not approve a request they made themselves; another
       * reviewer does (four eyes). Default true.
       */
      fourEyes?: boolean;
    };
    /** Template upgrade proposals. */
    upgrades?: {
      /** Minutes between asking the hosts whether proposals were merged or closed. Default 5; 0: never (the hosts' webhooks alone, through the stock events modules). */
      pollMinutes?: number;
    };
  };
}
