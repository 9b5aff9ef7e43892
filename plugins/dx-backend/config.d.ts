export interface Config {
  dx?: {
    /** Demo history for the demo catalog (local development only). */
    demo?: { enabled?: boolean };
    github?: {
      /**
       * Secret of the GitHub webhook (X-Hub-Signature-256); without it every
       * delivery is refused. From the environment, e.g.
       * `${DX_GITHUB_WEBHOOK_SECRET}`.
       * @visibility secret
       */
      webhookSecret?: string;
    };
  };
}
