/**
 * One delivery-system event, whatever format it arrived in (CDEvents, a
 * GitHub webhook, the generic JSON format), in the shape the DX metrics
 * read. The raw payload is kept next to it for re-computation.
 */

/** What the event is about, for the metrics. `other` is kept, not counted. */
export type DxEventKind =
  | 'change'
  | 'deployment'
  | 'incident'
  | 'build'
  | 'other';

/** Where an event came from. */
export type DxEventSource = 'cdevents' | 'github' | 'generic';

export type DxOutcome = 'success' | 'failure' | 'error' | 'cancelled';

/**
 * Actions per kind:
 * - change: `created`, `updated`, `reviewed`, `merged` (the change landed
 *   on the main line: a merged pull request, a push to the default branch),
 *   `abandoned`;
 * - deployment: `requested`, `deployed` (with `outcome`), `upgraded`,
 *   `rolledback`, `removed`, `published`;
 * - incident: `detected`, `reported`, `resolved`;
 * - build: `queued`, `started`, `finished` (with `outcome`);
 * - other: the event's own action.
 */
export type DxAction = string;

export interface NormalizedEvent {
  /**
   * Idempotency key: the same event delivered twice has the same key.
   * `cdevents:<context.source>:<context.id>`, `github:<delivery id>` (or a
   * key derived from the payload when there is no delivery id),
   * `generic:<id>`.
   */
  key: string;
  source: DxEventSource;
  /**
   * The event's own type: `dev.cdevents.service.deployed.0.3.0`,
   * `github.deployment_status.created`, `generic.deployment`.
   */
  type: string;
  kind: DxEventKind;
  action: DxAction;
  /** When it happened (ISO 8601, UTC). */
  occurredAt: string;
  /** What it is about; the backend maps it to a catalog entity. */
  subject: {
    /** An explicit entity ref, when the sender knows it. */
    entityRef?: string;
    /** `owner/name` of the repository (annotation `github.com/project-slug`). */
    repository?: string;
    /** A service or component name. */
    service?: string;
  };
  /** Deployment or incident environment, e.g. `production`. */
  environment?: string;
  outcome?: DxOutcome;
  /** The commit deployed, merged or pushed (head). */
  commitSha?: string;
  /** Commits a change carries, with their author times when known. */
  commits?: Array<{ sha: string; at?: string }>;
  /** Pull request number, change id. */
  changeId?: string;
  incidentId?: string;
  deploymentId?: string;
  /** Who did it (login or e-mail), when the source says. */
  actor?: string;
  /** Human-readable title: PR title, incident description, ... */
  title?: string;
  /**
   * Labels of the deployment or change (pull request labels, generic
   * `labels`, CDEvents `customData.labels`), e.g. `rework`, `hotfix`: read
   * by the deployment rework rate.
   */
  labels?: string[];
  /**
   * The branch deployed (GitHub deployment ref) or the change's head
   * branch (pull request head ref, generic `branch`, CDEvents
   * `customData.branch`): read by the rework rate's branch pattern.
   */
  branch?: string;
}

/** What a normaliser answers for one payload. */
export type NormalizeResult =
  | {
      ok: true;
      event: NormalizedEvent;
      /**
       * Fields of the payload that were not read, e.g. `deployedBy`,
       * `commits[0].author` (generic format only: the sender sees its typos;
       * CDEvents and GitHub payloads carry many fields the metrics do not
       * need, and those are not listed).
       */
      ignoredFields?: string[];
    }
  | { ok: false; reason: string };
