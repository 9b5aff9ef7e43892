export interface Config {
  dx?: {
    /**
     * Scorecards as data: production-readiness and maturity rules, each
     * check reading a fact the portal holds (owner, SLOs, template version,
     * docs, flagged packages, known vulnerabilities, deployments,
     * annotations, fields). Usually `$include`-d from a YAML file of the
     * portal repository; the format is in docs/metrics.md. A mistake stops
     * start-up with its path.
     */
    scorecards?: {
      definitions?: Array<{ [key: string]: unknown }>;
      /** Minutes between evaluations (default 60). */
      frequencyMinutes?: number;
    };
    /**
     * In-portal developer surveys, written as data. Answers are stored
     * without their author (who answered is kept apart, only to allow one
     * answer per person per period) and results are shown only for groups
     * of at least `minGroupSize` respondents. A mistake stops start-up with
     * its path.
     */
    surveys?: {
      /**
       * Fewest respondents (of a team, a week, a provisioning-time bucket)
       * whose answers are shown; fewer are counted only. Integer, at
       * least 2; default 5.
       */
      minGroupSize?: number;
      definitions?: Array<{
        /** Lower-case letters and digits joined by `-`, unique. */
        id: string;
        title: string;
        description?: string;
        /**
         * `portal`: offered in the portal, once per period. `golden-path`:
         * offered after a golden-path run and tied to it (one answer per
         * run; exactly one scale question and at most one text question).
         */
        trigger: 'portal' | 'golden-path';
        /**
         * How often one person may answer a portal survey (default
         * `month`); not for golden-path surveys.
         */
        period?: 'week' | 'month' | 'quarter';
        /** 1 to 20 questions. */
        questions: Array<{
          /** Lower-case letters and digits joined by `-`, unique in the survey. */
          id: string;
          text: string;
          /** `scale`: 1 (worst) to 5 (best); `text`: up to 2,000 characters. */
          type: 'scale' | 'text';
          required?: boolean;
        }>;
      }>;
    };
    /**
     * History backfill: the delivery history of the repository sources of
     * `catalog.ingestion.sources` (github and gitlab through `integrations.*`,
     * local git repositories), read once per source on first start and on
     * demand (`POST /api/dx/backfill`).
     */
    backfill?: {
      /** Days read for a source never backfilled (default 90; 0: only on demand). */
      days?: number;
      /** Only these source ids (default: every github, gitlab and local source). */
      sources?: string[];
      /** Issue labels that make an issue an incident (default `incident`). */
      incidentLabels?: string[];
      /**
       * Where deployments come from in a GitHub repository without GitHub
       * deployments: `releases` (default) or `none`.
       */
      deploymentsFallback?: 'releases' | 'none';
      /** Tags of local repositories that are deployments (default `^v?\d+\.\d+\.\d+$`). */
      tagPattern?: string;
      /** Items per page asked of the hosts (default 100). */
      perPage?: number;
      /** Seconds between work slices (default 15). */
      frequencySeconds?: number;
    };
    /**
     * The DORA keys: what production is, how long after a deployment a
     * failure is its fault, and what marks a deployment as rework (the
     * fifth key). A mistake stops start-up with its path.
     */
    dora?: {
      /** Environments that are production, compared without case (default `production`, `prod`). */
      productionEnvironments?: string[];
      /** Days after a deployment an incident or rollback is still its failure (default 7). */
      failureWindowDays?: number;
      /** What marks a production deployment as rework; any one rule is enough. */
      rework?: {
        /** Labels of the deployment or of a change it shipped (default `rework`, `hotfix`; compared without case). */
        labels?: string[];
        /**
         * A regular expression (without case) for the deployed branch or a
         * shipped change's head branch (default `^hotfix[/-]`); `false`: off.
         */
        branchPattern?: string | false;
        /**
         * A deployment linked to a production incident is rework: the first
         * one after the incident opened (within the failure window, while
         * it was open), or one shipping a change that names it (default true).
         */
        linkedIncidents?: boolean;
      };
    };
    /** Daily roll-ups of the four keys. */
    rollups?: {
      /** Seconds between bringing them up to date (default 60). */
      frequencySeconds?: number;
    };
    /** Demo history for the demo catalog (local development only). */
    demo?: { enabled?: boolean };
    ingestion?: {
      /**
       * Largest body of an event batch or a GitHub delivery; larger ones
       * get 413. Default 16 MiB.
       */
      maxBodyBytes?: number;
    };
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
