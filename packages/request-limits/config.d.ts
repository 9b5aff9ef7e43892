export interface Config {
  portal?: {
    /** Limits on the endpoints that take data in (events, webhooks, uploads). */
    limits?: {
      /**
       * Requests per minute one caller (token or address) may send to one
       * ingestion endpoint on one backend replica; more get 429 with
       * Retry-After. Default 600. 0 turns the limit off.
       */
      requestsPerMinute?: number;
    };
  };
}
