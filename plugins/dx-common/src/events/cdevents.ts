import { z } from 'zod';
import {
  branchName,
  cleanLabels,
  compact,
  describeIssues,
  entityRefString,
  isObject,
  isoTime,
  keyPart,
  nonEmpty,
  outcomeOf,
  quote,
  reject,
  text,
  title,
} from './common';
import type { DxEventKind, NormalizedEvent, NormalizeResult } from './types';

/**
 * CDEvents (https://cdevents.dev), spec versions 0.3.x, 0.4.x and 0.5.x (any
 * 0.x version is read when its event type is known). The spec version is
 * `context.specversion` (0.5 and later) or `context.version` (0.3, 0.4); the
 * event type is `context.type`, `dev.cdevents.<subject>.<predicate>.<x.y.z>`.
 *
 * - `change.*` → kind `change`: changeId = subject.id; repository =
 *   `owner/name` of `content.repository` when both are given, else its id
 *   (or name); title = `content.description`.
 * - `service.*` → kind `deployment`, action = predicate: service =
 *   subject.id, environment = `content.environment.id` (required for
 *   deployed, upgraded and rolledback, as the spec has it); deployed and
 *   upgraded are `success`; title = `content.artifactId`.
 * - `incident.*` → kind `incident`: incidentId = subject.id, environment =
 *   `content.environment.id` (required), service = `content.service.id`,
 *   title = `content.description`.
 * - `build.*` and `pipelinerun.*` → kind `build`: outcome from
 *   `content.outcome` (success, failure, error, cancel); title =
 *   `content.pipelineName` or `content.artifactId`.
 * - every other CDEvents type (artifact, branch, repository, environment,
 *   taskrun, testcaserun, testsuiterun, testoutput, ticket, and 0.3's
 *   testcase and testsuite) → kind `other`, action = predicate, with the
 *   repository and environment when the content names them.
 *
 * Not in the spec, read when present: `customData.backstage.entityRef` (a
 * string, e.g. `component:default/checkout`) → `subject.entityRef`, for
 * senders that know the catalog entity; `customData.labels` (strings) →
 * labels and `customData.branch` → branch, for the deployment rework rate.
 *
 * Custom events (`dev.cdeventsx.*`) are refused. The key is
 * `cdevents:<context.source>:<context.id>`; occurredAt is
 * `context.timestamp` in UTC.
 */

/** Subjects and their predicates, CDEvents 0.3 to 0.5. */
const SUBJECTS: Record<string, readonly string[]> = {
  pipelinerun: ['queued', 'started', 'finished'],
  taskrun: ['started', 'finished'],
  repository: ['created', 'modified', 'deleted'],
  branch: ['created', 'deleted'],
  change: ['created', 'reviewed', 'merged', 'abandoned', 'updated'],
  build: ['queued', 'started', 'finished'],
  artifact: ['packaged', 'published', 'signed', 'downloaded', 'deleted'],
  // 0.3 only; testcaserun and testsuiterun replaced them in 0.4.
  testcase: ['queued', 'started', 'finished'],
  testsuite: ['started', 'finished'],
  testcaserun: ['queued', 'started', 'finished', 'skipped'],
  testsuiterun: ['queued', 'started', 'finished'],
  testoutput: ['published'],
  environment: ['created', 'modified', 'deleted'],
  service: ['deployed', 'upgraded', 'rolledback', 'removed', 'published'],
  incident: ['detected', 'reported', 'resolved'],
  ticket: ['created', 'updated', 'closed'],
};

const KIND_OF_SUBJECT: Record<string, DxEventKind> = {
  change: 'change',
  service: 'deployment',
  incident: 'incident',
  build: 'build',
  pipelinerun: 'build',
};

const TYPE_PATTERN =
  /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;
const VERSION_PATTERN = /^0\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

const environmentRef = z.object({ id: nonEmpty(), source: text().optional() });
const repositoryRef = z.object({
  id: text().optional(),
  name: text().optional(),
  owner: text().optional(),
});

const CONTENT = {
  change: z.object({
    repository: repositoryRef.optional(),
    description: text().optional(),
  }),
  deployment: z.object({
    environment: environmentRef,
    artifactId: text().optional(),
  }),
  /** service.removed and service.published: the spec has no environment. */
  deploymentEnvironmentOptional: z.object({
    environment: environmentRef.optional(),
    artifactId: text().optional(),
  }),
  incident: z.object({
    environment: environmentRef,
    service: z.object({ id: nonEmpty() }).optional(),
    description: text().optional(),
  }),
  build: z.object({
    outcome: text().optional(),
    pipelineName: text().optional(),
    artifactId: text().optional(),
  }),
  other: z.object({
    repository: repositoryRef.optional(),
    environment: environmentRef.optional(),
    name: text().optional(),
    owner: text().optional(),
  }),
};
type ContentKey = keyof typeof CONTENT;

const eventSchema = (content: z.ZodType) =>
  z.object({
    context: z.object({
      id: keyPart(),
      source: keyPart(),
      timestamp: isoTime(),
    }),
    subject: z.object({
      id: nonEmpty(),
      type: text().optional(),
      content: z.preprocess(v => v ?? {}, content),
    }),
    customData: z.preprocess(
      // customData may also be a base64 string; only an object is read.
      v => (typeof v === 'string' ? undefined : v),
      z
        .object({
          backstage: z
            .object({ entityRef: entityRefString().optional() })
            .optional(),
          labels: z
            .array(z.unknown())
            .max(1000)
            .transform(ls =>
              ls.filter((l): l is string => typeof l === 'string'),
            )
            .optional()
            .catch(undefined),
          branch: z.string().max(1000).optional().catch(undefined),
        })
        .optional(),
    ),
  });

const SCHEMAS = Object.fromEntries(
  Object.entries(CONTENT).map(([k, content]) => [k, eventSchema(content)]),
) as Record<ContentKey, ReturnType<typeof eventSchema>>;

function contentKey(kind: DxEventKind, predicate: string): ContentKey {
  if (kind === 'deployment')
    return ['removed', 'published'].includes(predicate)
      ? 'deploymentEnvironmentOptional'
      : 'deployment';
  return kind;
}

function repositoryName(
  repo: z.infer<typeof repositoryRef> | undefined,
): string | undefined {
  if (!repo) return undefined;
  if (repo.owner && repo.name) return `${repo.owner}/${repo.name}`;
  return repo.id || repo.name || undefined;
}

type Content = {
  repository?: z.infer<typeof repositoryRef>;
  environment?: { id: string };
  service?: { id: string };
  description?: string;
  artifactId?: string;
  outcome?: string;
  pipelineName?: string;
  name?: string;
  owner?: string;
};

/** Reads one CDEvent (a parsed JSON value). */
export function normalizeCdEvent(payload: unknown): NormalizeResult {
  if (!isObject(payload))
    return reject(
      'not an object: a CDEvent is a JSON object with context and subject',
    );
  const { context, subject } = payload;
  if (!isObject(context))
    return reject(
      context === undefined
        ? 'context: missing'
        : 'context: expected an object',
    );
  if (!isObject(subject))
    return reject(
      subject === undefined
        ? 'subject: missing'
        : 'subject: expected an object',
    );

  const type = context.type;
  if (typeof type !== 'string')
    return reject(
      type === undefined
        ? 'context.type: missing'
        : 'context.type: expected a string',
    );
  if (type.startsWith('dev.cdeventsx.'))
    return reject(
      `context.type: ${quote(
        type,
      )} is a custom CDEvents type, not read by DX metrics`,
    );
  const match = TYPE_PATTERN.exec(type);
  if (!match)
    return reject(
      `context.type: ${quote(
        type,
      )} is not a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>)`,
    );
  const [, subjectType, predicate] = match;
  const predicates = SUBJECTS[subjectType];
  if (!predicates)
    return reject(
      `context.type: ${quote(
        subjectType,
      )} is not a CDEvents subject (${Object.keys(SUBJECTS).join(', ')})`,
    );
  if (!predicates.includes(predicate))
    return reject(
      `context.type: ${subjectType}.${predicate} is not a CDEvents event (${subjectType}: ${predicates.join(
        ', ',
      )})`,
    );

  const versionField =
    context.specversion !== undefined ? 'specversion' : 'version';
  const version = context[versionField];
  if (version === undefined)
    return reject(
      'context.specversion: missing (context.version in CDEvents 0.3 and 0.4)',
    );
  if (typeof version !== 'string')
    return reject(`context.${versionField}: expected a string`);
  if (!VERSION_PATTERN.test(version))
    return reject(
      `context.${versionField}: ${quote(
        version,
      )} is not a supported CDEvents spec version (0.x)`,
    );

  const kind: DxEventKind = KIND_OF_SUBJECT[subjectType] ?? 'other';
  const parsed = SCHEMAS[contentKey(kind, predicate)].safeParse(payload);
  if (!parsed.success) return reject(describeIssues(parsed.error.issues));
  const data = parsed.data;
  const subj = data.subject;
  if (subj.type !== undefined && subj.type.toLowerCase() !== subjectType)
    return reject(
      `subject.type: ${quote(
        subj.type,
      )} does not match context.type (${subjectType})`,
    );
  const content = subj.content as Content;

  const event: NormalizedEvent = {
    key: `cdevents:${data.context.source}:${data.context.id}`,
    source: 'cdevents',
    type,
    kind,
    action: predicate,
    occurredAt: data.context.timestamp,
    subject: { entityRef: data.customData?.backstage?.entityRef },
    environment: content.environment?.id,
    labels: cleanLabels(data.customData?.labels),
    branch: branchName(data.customData?.branch),
  };
  switch (kind) {
    case 'change':
      event.subject.repository = repositoryName(content.repository);
      event.changeId = subj.id;
      event.title = title(content.description);
      break;
    case 'deployment':
      event.subject.service = subj.id;
      if (predicate === 'deployed' || predicate === 'upgraded')
        event.outcome = 'success';
      event.title = title(content.artifactId);
      break;
    case 'incident':
      event.subject.service = content.service?.id;
      event.incidentId = subj.id;
      event.title = title(content.description);
      break;
    case 'build':
      event.outcome = outcomeOf(content.outcome);
      event.title = title(content.pipelineName ?? content.artifactId);
      break;
    default:
      event.subject.repository =
        repositoryName(content.repository) ??
        (subjectType === 'repository'
          ? repositoryName({ owner: content.owner, name: content.name })
          : undefined);
  }
  return { ok: true, event: compact(event) };
}
