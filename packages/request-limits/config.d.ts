export interface Config {
  portal?: {
    /** Limits on the endpoints that take data in (events, webhooks, uploads). */
    limits?: {
      /**
       * Requests per minute one caller (the signed-in user or service, else
       * the client address) may send to one ingestion endpoint, counted in
       * the plugin's database across all replicas; more get 429 with
       * Retry-After. Default 600. 0 turns the limit off.
       */
      requestsPerMinute?: number;
      /**
       * Proxies in front of the backend whose X-Forwarded-For is believed
       * for the client address (as express's numeric `trust proxy`).
       * Default 0: the address of the connection.
       */
      trustProxy?: number;
    };
  };
}
