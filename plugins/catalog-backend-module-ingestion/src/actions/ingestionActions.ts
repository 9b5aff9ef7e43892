import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  IngestionProblem,
  IngestionRun,
} from '@internal/plugin-catalog-ingestion-common';
import {
  catalogIngestionActionsReadPermission,
  catalogIngestionRescanPermission,
} from '@internal/plugin-catalog-ingestion-common';
import { entityRefParam } from '@internal/plugin-catalog-ingestion-node';
import type { RepositoryIngester } from '../ingestion/RepositoryIngester';
import {
  entityProblems,
  entityVisibility,
  rescan,
  shownProblem,
} from '../service/reads';
import type { DatabaseIngestionStore } from '../store/DatabaseIngestionStore';

/** The zod (v3) the actions registry hands to the schema callbacks. */
type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** Problems listed per answer, as the entity's problems card asks for. */
const PROBLEM_LIMIT = 200;
/** Runs of a repository's source looked through, and how many answered. */
const RUNS_SCANNED = 100;
const RUNS_ANSWERED = 3;

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

const problemSchema = (z: Z) =>
  z.object({
    sourceId: z.string(),
    repository: z.string().optional(),
    file: z.string().optional().describe('Path of the file in the repository'),
    line: z.number().optional().describe('1-based line in that file'),
    entityRef: z.string().optional(),
    message: z.string().describe('Why the document or file was refused'),
  });

const runSchema = (z: Z) =>
  z.object({
    id: z.string(),
    sourceId: z.string(),
    trigger: z.string().describe('schedule, webhook or api'),
    scope: z
      .enum(['source', 'repository'])
      .describe('A scan of the whole source, or of this repository only'),
    status: z.string().describe('running, succeeded, partial or failed'),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    message: z.string().optional().describe('Why a run failed, or a note'),
    errors: z
      .array(problemSchema(z))
      .describe("The run's errors in this repository"),
  });

export interface IngestionActionServices {
  actionsRegistry: ActionsRegistryService;
  store: DatabaseIngestionStore;
  ingesters: RepositoryIngester[];
  permissions: PermissionsService;
  catalog: CatalogService;
  auth: AuthService;
  /**
   * Counts a re-scan against the caller's limit of the re-scan route
   * (`callRateLimit` for `POST /api/catalog/ingestion/rescan`); throws 429.
   */
  rescanLimit?: (credentials: BackstageCredentials) => Promise<void>;
}

/** `<sourceId>/<repository>`; the repository may hold slashes (GitLab). */
function repositoryParam(
  value: string,
  sourceIds: string[],
): { sourceId: string; repository: string } {
  const slash = value.indexOf('/');
  const sourceId = slash > 0 ? value.slice(0, slash) : '';
  const repository = slash > 0 ? value.slice(slash + 1) : '';
  if (!sourceId || !repository)
    throw new InputError(
      `repository "${value}" must be <sourceId>/<repository>, e.g. ${
        sourceIds[0] ?? 'github'
      }/payments-api`,
    );
  if (!sourceIds.includes(sourceId))
    throw new NotFoundError(
      `no ingestion source "${sourceId}" (in repository "${value}"); the sources are ${
        sourceIds.join(', ') || 'none'
      }`,
    );
  return { sourceId, repository };
}

/**
 * Registers the catalog ingestion actions (`catalog:why-not-in-catalog`,
 * `catalog:rescan-repository`): what ingestion found and refused, and a
 * re-scan of one repository, for the caller.
 */
export function registerIngestionActions(
  services: IngestionActionServices,
): void {
  const {
    actionsRegistry,
    store,
    ingesters,
    permissions,
    catalog,
    auth,
    rescanLimit,
  } = services;
  const sourceIds = () => ingesters.map(i => i.sourceId);

  const visibility = (refs: string[], credentials: BackstageCredentials) =>
    entityVisibility({ catalog, permissions, auth }, refs, credentials);
  const shown = shownProblem;

  /** The latest runs that read the repository: its source's, or its own. */
  async function repositoryRuns(
    sourceId: string,
    repository: string,
    hidden: Set<string>,
  ) {
    const runs = await store.listRuns({ sourceId, limit: RUNS_SCANNED });
    return runs
      .filter(r => !r.repository || r.repository === repository)
      .slice(0, RUNS_ANSWERED)
      .map(r => runOf(r, repository, hidden));
  }

  function runOf(r: IngestionRun, repository: string, hidden: Set<string>) {
    return {
      id: r.id,
      sourceId: r.sourceId,
      trigger: r.trigger,
      scope: r.repository ? ('repository' as const) : ('source' as const),
      status: r.status,
      startedAt: r.startedAt,
      ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      ...(r.message ? { message: r.message } : {}),
      errors: r.errors
        .filter(e => e.repository === repository)
        .filter(shown(hidden)),
    };
  }

  const where = (p: IngestionProblem) =>
    `${p.sourceId}/${p.repository ?? ''}${p.file ? ` ${p.file}` : ''}${
      p.line ? `:${p.line}` : ''
    }`;

  actionsRegistry.register({
    name: 'why-not-in-catalog',
    title: 'Why is it not in the catalog?',
    description:
      'Explains what catalog ingestion did with an entity or a repository: where the entity was discovered, the documents and files it refused with the reason, file and line, and the latest ingestion runs that read the repository. ' +
      'Use it when an entity is missing from the catalog or out of date; give entityRef (kind:namespace/name) or repository as <sourceId>/<repository name>, not both. ' +
      'Entities the catalog does not show you are left out.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: catalogIngestionActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(512)
            .optional()
            .describe(
              'The entity that is missing, e.g. component:default/payments-api',
            ),
          repository: z
            .string()
            .min(3)
            .max(512)
            .optional()
            .describe(
              'A repository as <sourceId>/<repository name>, e.g. github/payments-api',
            ),
        }),
      output: z =>
        z.object({
          summary: z.string().describe('The answer in one or two sentences'),
          entityRef: z.string().optional(),
          repository: z
            .string()
            .optional()
            .describe('<sourceId>/<repository> the answer is about'),
          inCatalog: z
            .boolean()
            .optional()
            .describe('Whether the catalog shows you the entity now'),
          origin: z
            .object({
              sourceId: z.string(),
              repository: z.string(),
              file: z.string(),
              line: z.number(),
            })
            .optional()
            .describe('Where ingestion found the entity'),
          entities: z
            .array(z.object({ entityRef: z.string(), inCatalog: z.boolean() }))
            .optional()
            .describe("The repository's entities ingestion accepted"),
          problems: z
            .array(problemSchema(z))
            .describe('Refused documents and files, with the reason'),
          runs: z
            .array(runSchema(z))
            .describe('The latest runs that read the repository, newest first'),
        }),
    },
    action: async ({ input, credentials }) => {
      if (Boolean(input.entityRef) === Boolean(input.repository))
        throw new InputError(
          'give either entityRef (e.g. component:default/payments-api) or repository (<sourceId>/<repository>), not both and not neither',
        );

      if (input.entityRef) {
        const entityRef = entityRefParam(input.entityRef);
        const problems = await entityProblems(store, entityRef, PROBLEM_LIMIT);
        const origin = await store.entityOrigin(entityRef);
        const { readable, hidden } = await visibility(
          [entityRef, ...problems.flatMap(p => p.entityRef ?? [])],
          credentials,
        );
        const inCatalog = readable.has(entityRef);
        const visible = problems.filter(shown(hidden));
        // Hidden from the caller: answered as an entity never seen.
        const seen = !hidden.has(entityRef) && (origin || visible.length > 0);
        const home = seen
          ? origin ??
            visible.find(p => p.entityRef && lower(p.entityRef) === entityRef)
          : undefined;
        const runs =
          home?.repository !== undefined
            ? await repositoryRuns(home.sourceId, home.repository, hidden)
            : [];
        const own = visible.filter(
          p => p.entityRef && lower(p.entityRef) === entityRef,
        );
        let summary: string;
        if (inCatalog)
          summary = `${entityRef} is in the catalog${
            origin
              ? `, discovered in ${origin.sourceId}/${origin.repository} (${origin.file}:${origin.line})`
              : ''
          }.`;
        else if (!seen)
          summary = `No ingestion source has seen a descriptor of ${entityRef}: no repository's catalog-info.yaml (or other descriptor the source reads) defines it, or its repository was not scanned since. Ask again with its repository (<sourceId>/<repository>) to see what was read there.`;
        else if (own.length > 0)
          summary = `${entityRef} was refused: ${own[0].message} (${where(
            own[0],
          )}).`;
        else if (origin)
          summary = `${entityRef} was discovered in ${origin.sourceId}/${origin.repository} (${origin.file}:${origin.line}) and handed to the catalog, which does not show it yet: it may still be processing, or the catalog's own processing refused it (its processing errors say why).`;
        else
          summary = `${entityRef} is not in the catalog; ingestion reported the problems below for its repository.`;
        if (!inCatalog && seen && visible.length > own.length)
          summary += ` ${
            visible.length - own.length
          } more problem(s) in its repository.`;
        return {
          output: {
            summary,
            entityRef,
            ...(home?.repository !== undefined
              ? { repository: `${home.sourceId}/${home.repository}` }
              : {}),
            inCatalog,
            ...(seen && origin
              ? {
                  origin: {
                    sourceId: origin.sourceId,
                    repository: origin.repository,
                    file: origin.file,
                    line: origin.line,
                  },
                }
              : {}),
            problems: seen ? visible : [],
            runs,
          },
        };
      }

      const { sourceId, repository } = repositoryParam(
        input.repository!,
        sourceIds(),
      );
      const key = `${sourceId}/${repository}`;
      const [listed, problems, discovered] = await Promise.all([
        store.listRepositories(sourceId),
        store.listProblems({ sourceId, repository, limit: PROBLEM_LIMIT }),
        store.entitiesOfRepositories([{ sourceId, repository }]),
      ]);
      const refs = discovered.map(e => e.entityRef);
      const { readable, hidden } = await visibility(
        [...refs, ...problems.flatMap(p => p.entityRef ?? [])],
        credentials,
      );
      const entities = refs
        .filter(ref => !hidden.has(lower(ref)))
        .map(ref => ({ entityRef: ref, inCatalog: readable.has(lower(ref)) }));
      const known =
        listed.some(r => r.name === repository) || problems.length > 0;
      // Every entity of it hidden from the caller: not theirs to see.
      if (!known || (refs.length > 0 && entities.length === 0))
        throw new NotFoundError(
          `no repository "${repository}" in ingestion source "${sourceId}" (${key}): it was never listed by the source, or it defines only entities you may not read`,
        );
      const visible = problems.filter(shown(hidden));
      const runs = await repositoryRuns(sourceId, repository, hidden);
      const missing = entities.filter(e => !e.inCatalog).length;
      let summary = `${key}: ${entities.length} entit${
        entities.length === 1 ? 'y' : 'ies'
      } accepted (${entities.length - missing} in the catalog${
        missing ? `, ${missing} not yet` : ''
      }), ${visible.length} problem(s) outstanding.`;
      if (visible.length > 0)
        summary += ` First: ${visible[0].message} (${where(visible[0])}).`;
      if (runs[0]?.status === 'failed')
        summary += ` The latest run failed: ${
          runs[0].message ?? 'no reason given'
        }.`;
      return {
        output: {
          summary,
          repository: key,
          entities,
          problems: visible,
          runs,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'rescan-repository',
    title: 'Re-scan a repository for the catalog',
    description:
      'Reads one repository again now and applies what changed to the catalog, as after a push; answers the run with its counts and the documents it refused. ' +
      'Use it after fixing a catalog-info.yaml, instead of waiting for the schedule. repository is <sourceId>/<repository name>, as why-not-in-catalog answers it.',
    attributes: { readOnly: false, idempotent: true, destructive: false },
    // The permission POST /ingestion/rescan checks for one repository.
    visibilityPermission: catalogIngestionRescanPermission,
    schema: {
      input: z =>
        z.object({
          repository: z
            .string()
            .min(3)
            .max(512)
            .describe(
              'The repository as <sourceId>/<repository name>, e.g. github/payments-api',
            ),
        }),
      output: z =>
        z.object({
          repository: z.string(),
          run: z.object({
            id: z.string(),
            status: z.string().describe('succeeded, partial or failed'),
            startedAt: z.string(),
            finishedAt: z.string().optional(),
            durationMs: z.number().optional(),
            entitiesFound: z.number(),
            added: z.number(),
            changed: z.number(),
            removed: z.number(),
            errorCount: z.number(),
            errors: z
              .array(problemSchema(z))
              .describe('Refused documents and files, with the reason'),
            message: z.string().optional(),
          }),
        }),
    },
    action: async ({ input, credentials }) => {
      const { sourceId, repository } = repositoryParam(
        input.repository,
        sourceIds(),
      );
      await rescanLimit?.(credentials);
      const { runs } = await rescan({ ingesters, permissions }, credentials, {
        sourceId,
        repository,
      });
      const run = runs[0];
      const { hidden } = await visibility(
        run.errors.flatMap(e => e.entityRef ?? []),
        credentials,
      );
      const errors = run.errors.filter(shown(hidden));
      return {
        output: {
          repository: `${sourceId}/${repository}`,
          run: {
            id: run.id,
            status: run.status,
            startedAt: run.startedAt,
            ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
            ...(run.durationMs !== undefined
              ? { durationMs: run.durationMs }
              : {}),
            entitiesFound: run.entitiesFound,
            added: run.added,
            changed: run.changed,
            removed: run.removed,
            errorCount: run.errorCount - (run.errors.length - errors.length),
            errors,
            ...(run.message ? { message: run.message } : {}),
          },
        },
      };
    },
  });
}
