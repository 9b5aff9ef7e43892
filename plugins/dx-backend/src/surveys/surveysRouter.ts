import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkSurveyAnswers,
  resultsPeriodOf,
  summariseSurveyResponses,
  surveyPeriodKey,
  surveyPeriodRange,
  type SurveyConfig,
  type SurveyDefinition,
  type SurveyList,
} from '@internal/plugin-dx-common';
import { GoldenPathsClient } from '@internal/plugin-golden-paths-common';
import { asService } from '@internal/portal-common';
import { catalogReadScope } from '@internal/portal-node';
import express from 'express';
import Router from 'express-promise-router';
import { toCsv } from '../service/params';
import type { SurveyStore } from './SurveyStore';

/** Most golden-path runs read to find the one answered about (the newest). */
export const GOLDEN_PATH_RUNS_READ = 1000;

export interface SurveysRouterOptions {
  config: SurveyConfig;
  store: SurveyStore;
  httpAuth: HttpAuthService;
  auth: AuthService;
  discovery: DiscoveryService;
  catalog: CatalogService;
  permissions: PermissionsService;
  /** The clock (tests). */
  now?: () => Date;
}

/**
 * A golden-path run as `GET /api/golden-paths/runs` lists it, the part
 * read; checked field by field, as the answer comes from another plugin.
 */
interface GoldenPathRunSeen {
  taskId?: unknown;
  requester?: unknown;
  durationMs?: unknown;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

function taskIdOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200)
    throw new InputError('taskId must be a task id (1 to 200 characters)');
  return value;
}

/**
 * Developer surveys, mounted with the DX API at `/api/dx`:
 *
 * - `GET /surveys`: the configured surveys, each with whether the caller
 *   answered it in its current period (`?taskId=` for golden-path ones).
 * - `POST /surveys/:id/responses`: an answer; the answer is stored without
 *   its author, who is recorded apart, once per period (per run for
 *   golden-path surveys).
 * - `GET /surveys/:id/results?owner=&period=`: the results of one whole
 *   period (the survey's own; months for golden-path surveys; default the
 *   current one), hidden below `minGroupSize` respondents. No free
 *   windows: two overlapping ones would differ by fewer people.
 */
export function createSurveysRouter(
  options: SurveysRouterOptions,
): express.Router {
  const { config, store, httpAuth, auth, discovery, catalog } = options;
  const now = options.now ?? (() => new Date());
  const surveys = new Map(config.definitions.map(s => [s.id, s]));
  const router = Router();

  const surveyOf = (id: string): SurveyDefinition => {
    const survey = surveys.get(id);
    if (!survey) throw new NotFoundError(`no survey ${JSON.stringify(id)}`);
    return survey;
  };

  const userOf = async (req: express.Request) => {
    const credentials = (await httpAuth.credentials(req, {
      allow: ['user'],
    })) as BackstageCredentials<BackstageUserPrincipal>;
    return lower(credentials.principal.userEntityRef);
  };

  /** The groups the user's catalog entity is a member of. */
  const teamsOf = async (userRef: string): Promise<string[]> => {
    const entity = await catalog.getEntityByRef(userRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const teams = new Set<string>();
    for (const r of entity?.relations ?? []) {
      if (r.type !== 'memberOf') continue;
      const ref = lower(r.targetRef);
      if (ref.startsWith('group:')) teams.add(ref);
    }
    return [...teams].sort();
  };

  /** The golden-path run of a task, from the golden-paths backend. */
  const runOf = async (taskId: string) => {
    let items: GoldenPathRunSeen[];
    try {
      const body = await new GoldenPathsClient({
        discoveryApi: discovery,
      }).listRuns(
        { limit: GOLDEN_PATH_RUNS_READ },
        await asService(auth, 'golden-paths'),
      );
      if (!Array.isArray(body.items)) throw new Error('it listed no items');
      items = body.items as GoldenPathRunSeen[];
    } catch (error) {
      throw new ServiceUnavailableError(
        `golden-path runs could not be read: ${(error as Error).message}`,
      );
    }
    const run = items.find(r => r?.taskId === taskId);
    if (!run) return undefined;
    return {
      requester:
        typeof run.requester === 'string' ? lower(run.requester) : undefined,
      durationMs:
        typeof run.durationMs === 'number' && Number.isFinite(run.durationMs)
          ? Math.max(0, Math.round(run.durationMs))
          : undefined,
    };
  };

  router.get('/surveys', async (req, res) => {
    const userRef = await userOf(req);
    const taskId = taskIdOf(req.query.taskId);
    const at = now();
    const periodOf = (s: SurveyDefinition) => {
      if (s.trigger === 'golden-path')
        return taskId ? `task:${taskId}` : undefined;
      return surveyPeriodKey(s.period ?? 'month', at);
    };
    const keys = config.definitions.flatMap(s => {
      const period = periodOf(s);
      return period ? [{ surveyId: s.id, period }] : [];
    });
    const answered = await store.answered(userRef, keys);
    const body: SurveyList = {
      items: config.definitions.map(s => {
        const period = periodOf(s);
        return {
          ...s,
          answeredThisPeriod: period ? answered(s.id, period) : false,
        };
      }),
      minGroupSize: config.minGroupSize,
    };
    res.json(body);
  });

  router.post(
    '/surveys/:id/responses',
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const userRef = await userOf(req);
      const survey = surveyOf(req.params.id);
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new InputError('the body must be a JSON object with answers');
      const unknown = Object.keys(body).filter(
        k => k !== 'answers' && k !== 'taskId',
      );
      if (unknown.length > 0)
        throw new InputError(
          `unknown field ${JSON.stringify(unknown[0].slice(0, 64))}`,
        );
      const checked = checkSurveyAnswers(
        survey,
        (body as { answers?: unknown }).answers,
      );
      if ('problem' in checked) throw new InputError(checked.problem);
      const taskId = taskIdOf((body as { taskId?: unknown }).taskId);
      const at = now();

      let period: string;
      let provisioningMs: number | undefined;
      if (survey.trigger === 'golden-path') {
        if (!taskId)
          throw new InputError(
            'taskId is required: a golden-path survey answer is about one run',
          );
        const run = await runOf(taskId);
        if (!run) throw new NotFoundError(`no golden-path run ${taskId}`);
        if (run.requester !== userRef)
          throw new NotAllowedError(
            'only who ran this golden path may answer about it',
          );
        period = `task:${taskId}`;
        provisioningMs = run.durationMs;
      } else {
        if (taskId)
          throw new InputError('taskId is for golden-path surveys only');
        period = surveyPeriodKey(survey.period ?? 'month', at);
      }

      const id = await store.record({
        surveyId: survey.id,
        userRef,
        period,
        answers: checked.answers,
        teams: await teamsOf(userRef),
        taskId,
        provisioningMs,
        at,
      });
      if (!id)
        throw new ConflictError(
          survey.trigger === 'golden-path'
            ? `you answered ${survey.id} about this run already`
            : `you answered ${survey.id} already this ${
                survey.period ?? 'month'
              } (${period})`,
        );
      res.status(201).json({ id });
    },
  );

  router.get(
    ['/surveys/:id/results', '/surveys/:id/results.csv'],
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const survey = surveyOf(req.params.id);
      let owner: string | undefined;
      if (req.query.owner !== undefined) {
        try {
          const ref = parseEntityRef(String(req.query.owner), {
            defaultKind: 'group',
            defaultNamespace: 'default',
          });
          owner = lower(stringifyEntityRef(ref));
        } catch (e) {
          throw new InputError(`owner: ${(e as Error).message}`);
        }
        if (!owner.startsWith('group:'))
          throw new InputError('owner must be a group');
      }
      // A team's results for those who may read the team.
      const scope = await catalogReadScope(
        { permissions: options.permissions, catalog },
        credentials,
        { refs: owner ? [owner] : [] },
      );
      if (owner && !scope.has(owner))
        throw new NotFoundError(`no group ${owner}`);
      if (req.query.from !== undefined || req.query.to !== undefined)
        throw new InputError(
          'results are given for whole periods only: use period (e.g. ' +
            `${surveyPeriodKey(resultsPeriodOf(survey), now())}), not from/to`,
        );
      const kind = resultsPeriodOf(survey);
      const period =
        req.query.period === undefined
          ? surveyPeriodKey(kind, now())
          : String(req.query.period);
      const range = surveyPeriodRange(kind, period);
      if (!range)
        throw new InputError(
          `period must be a ${kind} of ${survey.id}, like ${surveyPeriodKey(
            kind,
            now(),
          )}`,
        );
      const { from, to } = range;
      const responses = await store.responses(survey.id, { from, to, owner });
      const results = summariseSurveyResponses(survey, responses, {
        minGroupSize: config.minGroupSize,
        owner,
        period,
        from: from.toISOString(),
        to: to.toISOString(),
      });
      if (req.path.endsWith('.csv')) {
        // The numbers of the results, hidden ones left empty; no free text.
        res
          .type('text/csv')
          .attachment(`${survey.id}-results.csv`)
          .send(
            toCsv([
              [
                'question',
                'type',
                'responses',
                'mean',
                'score_1',
                'score_2',
                'score_3',
                'score_4',
                'score_5',
              ],
              ...results.questions.map(q => [
                q.text,
                q.type,
                q.responses,
                q.mean === undefined ? '' : Math.round(q.mean * 1000) / 1000,
                ...(q.distribution ?? ['', '', '', '', '']),
              ]),
            ]),
          );
        return;
      }
      res.json(results);
    },
  );

  return router;
}
