import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { dropDatabases } from '@internal/backend-test-utils';
import { isoWeekKey } from '@internal/plugin-dx-common';
import Router from 'express-promise-router';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import dxPlugin from '../index';
import { SurveyStore, type SurveyResponseToInsert } from './SurveyStore';

jest.setTimeout(120_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const DX = 'developer-experience';
const GP = 'golden-path';

const user = (name: string, groups: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});
const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});
// ghost answers too but has no catalog entity: no teams.
const ENTITIES = [
  group('team-a'),
  group('team-b'),
  user('ana', ['team-a']),
  user('ben', ['team-a']),
  user('cai', ['team-a']),
  user('dan', ['team-b']),
  user('eve', ['team-a', 'team-b']),
];

const SURVEYS = {
  minGroupSize: 3,
  definitions: [
    {
      id: DX,
      title: 'Developer experience',
      trigger: 'portal',
      period: 'month',
      questions: [
        { id: 'ease', text: 'How easy was it?', type: 'scale', required: true },
        { id: 'speed', text: 'How fast was CI?', type: 'scale' },
        { id: 'slowed', text: 'What slowed you down most?', type: 'text' },
      ],
    },
    {
      id: GP,
      title: 'Golden path',
      trigger: 'golden-path',
      questions: [
        {
          id: 'satisfaction',
          text: 'How satisfied are you?',
          type: 'scale',
          required: true,
        },
        { id: 'comment', text: 'Anything else?', type: 'text' },
      ],
    },
  ],
};

const run = (taskId: string, requester: string, durationMs?: number) => ({
  taskId,
  templateRef: 'template:default/typescript-service',
  requester: `user:default/${requester}`,
  status: durationMs === undefined ? 'processing' : 'completed',
  createdAt: '2026-12-01T10:00:00.000Z',
  durationMs,
  attempts: 1,
});
const RUNS = [
  run('t-ana-1', 'ana', 30_000),
  run('t-ana-2', 'ana', 45_000),
  run('t-ben-1', 'ben', 50_000),
  run('t-cai-1', 'cai', 4 * 60_000),
  run('t-dan-1', 'dan', 20 * 60_000),
  run('t-eve-1', 'eve'),
];

/** Stands in for the golden-paths backend: its `GET /runs`, as the real one answers a backend plugin. */
const runsAsked: Array<{ subject: string; limit: unknown }> = [];
const goldenPathsStandIn = createBackendPlugin({
  pluginId: 'golden-paths',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.get('/runs', async (req, res) => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['service'],
          });
          runsAsked.push({
            subject: credentials.principal.subject,
            limit: req.query.limit,
          });
          res.json({ items: RUNS });
        });
        httpRouter.use(router);
      },
    });
  },
});

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** Bulk answers (demo data) are stored once, without participation. */
async function storesDemoAnswersOnce(knex: Knex) {
  const store = new SurveyStore(knex);
  const participation = async () =>
    Number(
      (await knex('dx_survey_participation').count({ n: '*' }).first())?.n,
    );
  const before = await participation();
  const at = new Date('2020-03-04T15:30:00Z');
  const rows: SurveyResponseToInsert[] = [
    {
      id: 'demo-dx-a-0',
      surveyId: DX,
      answers: { ease: 4, slowed: 'CI' },
      teams: ['group:default/team-a'],
      at,
    },
    { id: 'demo-dx-b-0', surveyId: DX, answers: { ease: 2 }, teams: [], at },
    {
      id: 'demo-gp-0',
      surveyId: GP,
      answers: { satisfaction: 5 },
      teams: ['group:default/team-b'],
      taskId: 'demo-run-0',
      provisioningMs: 42_000,
      at,
    },
  ];
  expect(await store.hasResponsesWithIdPrefix('demo-')).toBe(false);
  expect(await store.insertResponses(rows)).toBe(3);
  expect(await store.hasResponsesWithIdPrefix('demo-')).toBe(true);
  expect(await store.hasResponsesWithIdPrefix('demo-x')).toBe(false);
  // Again: nothing new.
  expect(await store.insertResponses(rows)).toBe(0);
  expect(await participation()).toBe(before);
  const range = {
    from: new Date('2020-03-01T00:00:00Z'),
    to: new Date('2020-03-08T00:00:00Z'),
  };
  expect(
    await store.responses(DX, { ...range, owner: 'group:default/team-a' }),
  ).toEqual([
    {
      submittedAt: '2020-03-04T00:00:00.000Z',
      week: '2020-W10',
      answers: { ease: 4, slowed: 'CI' },
    },
  ]);
  expect(await store.responses(DX, range)).toHaveLength(2);
  expect(await store.responses(GP, range)).toEqual([
    {
      submittedAt: '2020-03-04T00:00:00.000Z',
      week: '2020-W10',
      answers: { satisfaction: 5 },
      // Kept as the start of its bucket, [0, 1 min).
      provisioningMs: 0,
    },
  ]);
}

describe('DX surveys on the real stack', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let db: Knex;
  const prefix = `portal_dxs_${process.pid}_${Date.now().toString(36)}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    backend = await startTestBackend({
      features: [
        dxPlugin,
        goldenPathsStandIn,
        catalogServiceMock.factory({ entities: ENTITIES }),
        // Scheduled DX work (re-mapping, scorecards) stays idle.
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              database: { client: 'pg', connection: CONNECTION, prefix },
            },
            dx: { surveys: SURVEYS },
          },
        }),
      ],
    });
    const url = new URL(CONNECTION);
    url.pathname = `/${prefix}dx`;
    db = knexFactory({ client: 'pg', connection: url.toString() });
  });
  afterAll(async () => {
    await db?.destroy();
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
  });

  const answer = (name: string, survey: string, body: object) =>
    request(backend.server)
      .post(`/api/dx/surveys/${survey}/responses`)
      .set('Authorization', as(name))
      .send(body);
  const results = (query = '', survey = DX) =>
    request(backend.server)
      .get(`/api/dx/surveys/${survey}/results${query}`)
      .set('Authorization', mockCredentials.service.header());

  it('refuses calls without credentials', async () => {
    for (const [method, url] of [
      ['get', '/api/dx/surveys'],
      ['post', `/api/dx/surveys/${DX}/responses`],
      ['get', `/api/dx/surveys/${DX}/results`],
    ] as const) {
      const res = await request(backend.server)
        [method](url)
        .set('Authorization', mockCredentials.none.header())
        .send({ answers: { ease: 3 } });
      expect([url, res.status]).toEqual([url, 401]);
    }
    // Listing and answering are for people, not backend plugins.
    const list = await request(backend.server)
      .get('/api/dx/surveys')
      .set('Authorization', mockCredentials.service.header());
    expect(list.status).toBe(403);
    const post = await request(backend.server)
      .post(`/api/dx/surveys/${DX}/responses`)
      .set('Authorization', mockCredentials.service.header())
      .send({ answers: { ease: 3 } });
    expect(post.status).toBe(403);
  });

  it('lists the configured surveys', async () => {
    const res = await request(backend.server)
      .get('/api/dx/surveys')
      .set('Authorization', as('ana'));
    expect(res.status).toBe(200);
    expect(res.body.minGroupSize).toBe(3);
    expect(res.body.items).toEqual([
      {
        ...SURVEYS.definitions[0],
        answeredThisPeriod: false,
      },
      { ...SURVEYS.definitions[1], answeredThisPeriod: false },
    ]);
  });

  it('refuses invalid answers naming the question, and unknown surveys', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ answers: { ease: 3, mood: 4 } }, /question "mood": no such question/],
      [
        { answers: { ease: 6 } },
        /question "ease": a scale answer is an integer from 1 to 5/,
      ],
      [{ answers: { ease: 2.5 } }, /question "ease"/],
      [
        { answers: { ease: 3, slowed: 'x'.repeat(2001) } },
        /question "slowed": at most 2,000 characters/,
      ],
      [{ answers: { speed: 4 } }, /question "ease" is required/],
      [{ answers: [3] }, /answers must be an object/],
      [{ answers: { ease: 3 }, who: 'ana' }, /unknown field "who"/],
      [
        { answers: { ease: 3 }, taskId: 't-ana-1' },
        /taskId is for golden-path surveys only/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await answer('ana', DX, body);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }
    const proto = await request(backend.server)
      .post(`/api/dx/surveys/${DX}/responses`)
      .set('Authorization', as('ana'))
      .set('Content-Type', 'application/json')
      .send('{"answers":{"ease":3,"__proto__":{"ease":1}}}');
    expect(proto.status).toBe(400);
    expect(proto.body.error.message).toMatch(/question "__proto__": no such/);

    expect((await answer('ana', 'nope', { answers: { ease: 3 } })).status).toBe(
      404,
    );
    expect((await results('', 'nope')).status).toBe(404);
    // Nothing of it was recorded.
    expect(await db('dx_survey_participation').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);
  });

  it('stores an answer once per person and period', async () => {
    const first = await answer('ana', DX, {
      answers: { ease: 4, speed: 2, slowed: 'reviews take days' },
    });
    expect(first.status).toBe(201);
    expect(first.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await answer('ana', DX, { answers: { ease: 1 } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      /you answered developer-experience already this month/,
    );
    const answered = async (name: string) =>
      (
        await request(backend.server)
          .get('/api/dx/surveys')
          .set('Authorization', as(name))
      ).body.items.map(
        (s: { answeredThisPeriod: boolean }) => s.answeredThisPeriod,
      );
    expect(await answered('ana')).toEqual([true, false]);
    expect(await answered('ben')).toEqual([false, false]);
    const stored = await db('dx_survey_responses').where('id', first.body.id);
    expect(stored).toEqual([
      expect.objectContaining({
        survey_id: DX,
        teams: ['group:default/team-a'],
        answers: { ease: 4, speed: 2, slowed: 'reviews take days' },
        task_id: null,
        provisioning_ms: null,
      }),
    ]);
  });

  it('hides results below minGroupSize and shows them from it on', async () => {
    expect(
      (await answer('ben', DX, { answers: { ease: 2, speed: 3 } })).status,
    ).toBe(201);
    const two = await results('?owner=group:default/team-a');
    expect(two.status).toBe(200);
    expect(two.body).toEqual({
      surveyId: DX,
      title: 'Developer experience',
      owner: 'group:default/team-a',
      period: new Date().toISOString().slice(0, 7),
      from: expect.any(String),
      to: expect.any(String),
      respondents: 2,
      minGroupSize: 3,
      hidden: true,
      questions: [
        { id: 'ease', text: 'How easy was it?', type: 'scale', responses: 2 },
        { id: 'speed', text: 'How fast was CI?', type: 'scale', responses: 2 },
        {
          id: 'slowed',
          text: 'What slowed you down most?',
          type: 'text',
          responses: 1,
        },
      ],
      trend: [],
    });

    expect(
      (
        await answer('cai', DX, {
          answers: { ease: 5, speed: 4, slowed: 'flaky CI' },
        })
      ).status,
    ).toBe(201);
    // Users may read results too.
    const three = await request(backend.server)
      .get(`/api/dx/surveys/${DX}/results?owner=team-a`)
      .set('Authorization', as('dan'));
    expect(three.body).toMatchObject({
      owner: 'group:default/team-a',
      respondents: 3,
      hidden: false,
    });
    expect(three.body.questions).toEqual([
      {
        id: 'ease',
        text: 'How easy was it?',
        type: 'scale',
        responses: 3,
        mean: 3.67, // (4 + 2 + 5) / 3
        distribution: [0, 1, 0, 1, 1],
      },
      {
        id: 'speed',
        text: 'How fast was CI?',
        type: 'scale',
        responses: 3,
        mean: 3, // (2 + 3 + 4) / 3
        distribution: [0, 1, 1, 1, 0],
      },
      {
        id: 'slowed',
        text: 'What slowed you down most?',
        type: 'text',
        responses: 2,
        comments: expect.arrayContaining(['reviews take days', 'flaky CI']),
      },
    ]);
    // This week's 3 answers: (4 + 2 + 2 + 3 + 5 + 4) / 6.
    expect(three.body.trend).toEqual([
      { week: isoWeekKey(new Date()), respondents: 3, mean: 3.33 },
    ]);
    // The same numbers as CSV, without the free text; hidden ones empty.
    const csv = await request(backend.server)
      .get(`/api/dx/surveys/${DX}/results.csv?owner=team-a`)
      .set('Authorization', as('dan'));
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toEqual([
      'question,type,responses,mean,score_1,score_2,score_3,score_4,score_5',
      'How easy was it?,scale,3,3.67,0,1,0,1,1',
      'How fast was CI?,scale,3,3,0,1,1,1,0',
      'What slowed you down most?,text,2,,,,,,',
    ]);
    expect(csv.text).not.toContain('flaky CI');
  });

  it('filters by the teams the respondents were in', async () => {
    for (const [name, answers] of [
      ['dan', { ease: 1 }],
      ['eve', { ease: 3, speed: 5 }],
      ['ghost', { ease: 5 }],
    ] as const)
      expect((await answer(name, DX, { answers })).status).toBe(201);

    const a = await results('?owner=group:default/team-a');
    expect(a.body.respondents).toBe(4);
    expect(a.body.questions.slice(0, 2)).toEqual([
      expect.objectContaining({
        responses: 4,
        mean: 3.5, // 4, 2, 5, 3
        distribution: [0, 1, 1, 1, 1],
      }),
      expect.objectContaining({
        responses: 4,
        mean: 3.5, // 2, 3, 4, 5
        distribution: [0, 1, 1, 1, 1],
      }),
    ]);
    const b = await results('?owner=team-b');
    expect(b.body).toMatchObject({
      owner: 'group:default/team-b',
      respondents: 2, // dan, eve
      hidden: true,
      trend: [],
    });
    expect(b.body.questions[0]).not.toHaveProperty('mean');
    const everyone = await results();
    expect(everyone.body.respondents).toBe(6);
    expect(everyone.body.questions[0]).toMatchObject({
      mean: 3.33, // 4, 2, 5, 1, 3, 5
      distribution: [1, 1, 1, 1, 2],
    });
    expect((await results('?owner=user:default/ana')).status).toBe(400);
    const ghost = await db('dx_survey_responses')
      .where('survey_id', DX)
      .whereRaw("answers->>'ease' = '5'")
      .select('teams');
    expect(ghost.map(r => r.teams).sort()).toEqual([
      [],
      ['group:default/team-a'],
    ]);
  });

  it('answers for whole periods only, small weeks merged into their neighbours', async () => {
    // Move the answers to January 2026: ana's and ben's (ease 4 and 2) to
    // its second ISO week, the other four to its third.
    const move = (eases: string[], day: string) =>
      db('dx_survey_responses')
        .where('survey_id', DX)
        .whereRaw(
          `answers->>'ease' in (${eases.map(() => '?').join(', ')})`,
          eases,
        )
        .update({
          submitted_at: new Date(day),
          week: isoWeekKey(new Date(day)),
        });
    expect(await move(['4', '2'], '2026-01-06T00:00:00Z')).toBe(2);
    expect(await move(['5', '1', '3'], '2026-01-13T00:00:00Z')).toBe(4);

    const january = await results('?period=2026-01');
    expect(january.body).toMatchObject({
      period: '2026-01',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      respondents: 6,
      hidden: false,
    });
    // W02 has two respondents: merged with W03 (showing W03 alone would
    // give W02 as the total minus W03).
    expect(
      january.body.trend.map((p: { week: string; respondents: number }) => [
        p.week,
        p.respondents,
      ]),
    ).toEqual([['2026-W02–W03', 6]]);
    // The current period (the default) has none of them.
    expect((await results()).body.respondents).toBe(0);

    // dan's answer (ease 1) moves to W02 too: three and three.
    expect(await move(['1'], '2026-01-07T00:00:00Z')).toBe(1);
    const both = await results('?period=2026-01');
    expect(
      both.body.trend.map((p: { week: string; respondents: number }) => [
        p.week,
        p.respondents,
      ]),
    ).toEqual([
      ['2026-W02', 3],
      ['2026-W03', 3],
    ]);
    // Newest first: cai's comment is newer than ana's.
    expect(both.body.questions[2].comments).toEqual([
      'flaky CI',
      'reviews take days',
    ]);

    // No free windows: those could differ by one person.
    const window = await results('?from=2026-01-01T00:00:00Z');
    expect(window.status).toBe(400);
    expect(window.body.error.message).toMatch(/whole periods only/);
    for (const bad of ['2026-1', '2026-Q1', '2026-13', 'latest'])
      expect([bad, (await results(`?period=${bad}`)).status]).toEqual([
        bad,
        400,
      ]);
  });

  it('ties golden-path answers to the run, its requester and its duration', async () => {
    const gp = (name: string, body: object) => answer(name, GP, body);
    const none = await gp('ana', { answers: { satisfaction: 5 } });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/taskId is required/);
    const others = await gp('ana', {
      answers: { satisfaction: 5 },
      taskId: 't-ben-1',
    });
    expect(others.status).toBe(403);
    const unknown = await gp('ana', {
      answers: { satisfaction: 5 },
      taskId: 'no-such-task',
    });
    expect(unknown.status).toBe(404);
    expect(
      (await gp('ana', { answers: { satisfaction: 9 }, taskId: 't-ana-1' }))
        .status,
    ).toBe(400);

    const first = await gp('ana', {
      answers: { satisfaction: 5, comment: 'smooth' },
      taskId: 't-ana-1',
    });
    expect(first.status).toBe(201);
    const again = await gp('ana', {
      answers: { satisfaction: 1 },
      taskId: 't-ana-1',
    });
    expect(again.status).toBe(409);
    // One answer per run: another run of ana's may be answered.
    for (const [name, taskId, satisfaction] of [
      ['ana', 't-ana-2', 4],
      ['ben', 't-ben-1', 3],
      ['cai', 't-cai-1', 2],
      ['dan', 't-dan-1', 1],
      ['eve', 't-eve-1', 4],
    ] as const)
      expect(
        (await gp(name, { answers: { satisfaction }, taskId })).status,
      ).toBe(201);

    const list = async (taskId: string) =>
      (
        await request(backend.server)
          .get(`/api/dx/surveys?taskId=${taskId}`)
          .set('Authorization', as('ana'))
      ).body.items[1].answeredThisPeriod;
    expect(await list('t-ana-1')).toBe(true);
    expect(await list('t-ana-9')).toBe(false);

    // The golden-paths backend was asked as the DX plugin.
    expect(runsAsked[0]).toEqual({ subject: 'plugin:dx', limit: '1000' });
    // Nothing in an answer finds its run (which names its requester)
    // again: no task id, and the provisioning time only as its bucket.
    const stored = await db('dx_survey_responses')
      .where('survey_id', GP)
      .select('task_id', 'provisioning_ms');
    expect(stored.map(r => r.task_id)).toEqual(Array(6).fill(null));
    expect(stored.map(r => r.provisioning_ms).sort()).toEqual(
      ['0', '0', '0', '60000', '900000', null].sort(),
    );

    const res = await results('', GP);
    expect(res.body).toMatchObject({ respondents: 6, hidden: false });
    expect(res.body.questions).toEqual([
      {
        id: 'satisfaction',
        text: 'How satisfied are you?',
        type: 'scale',
        responses: 6,
        mean: 3.17, // (5 + 4 + 3 + 2 + 1 + 4) / 6
        distribution: [1, 1, 1, 2, 1],
      },
      {
        id: 'comment',
        text: 'Anything else?',
        type: 'text',
        responses: 1,
        comments: ['smooth'],
      },
    ]);
    // 1–5 min and > 15 min hold one answer each: merged with < 1 min, not
    // left out (their mean would follow from the total and the others).
    expect(res.body.byProvisioningTime).toEqual([
      {
        bucket: '< 1 min + 1–5 min + > 15 min',
        respondents: 5,
        mean: 3, // 5, 4, 3 and 2, 1
      },
      { bucket: '5–15 min', respondents: 0, mean: null },
    ]);
    const b = await results('?owner=team-b', GP);
    expect(b.body).toMatchObject({ respondents: 2, hidden: true });
    expect(b.body).not.toHaveProperty('byProvisioningTime');
  });

  it('keeps who answered apart from the answers', async () => {
    const participation = await db('dx_survey_participation')
      .orderBy(['survey_id', 'user_ref', 'period'])
      .select('*');
    const month = new Date().toISOString().slice(0, 7);
    expect(participation).toHaveLength(12);
    for (const row of participation) {
      expect(Object.keys(row).sort()).toEqual([
        'period',
        'survey_id',
        'user_ref',
      ]);
      expect(row.period).toMatch(
        row.survey_id === DX ? new RegExp(`^${month}$`) : /^task:t-/,
      );
    }
    expect(participation.map(r => r.user_ref)).toContain('user:default/ghost');

    const { rows: columns } = await db.raw(
      `select column_name from information_schema.columns
       where table_name = 'dx_survey_responses' order by column_name`,
    );
    expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual([
      'answers',
      'id',
      'provisioning_ms',
      'submitted_at',
      'survey_id',
      'task_id',
      'teams',
      'week',
    ]);
    const responses = await db('dx_survey_responses').select('*');
    expect(responses).toHaveLength(12);
    expect(JSON.stringify(responses)).not.toMatch(/user:/);
    // Only the day of an answer is kept.
    for (const r of responses)
      expect(new Date(r.submitted_at).toISOString()).toMatch(
        /T00:00:00\.000Z$/,
      );
  });

  it('stores demo answers in bulk, once, without participation', async () => {
    await expect(storesDemoAnswersOnce(db)).resolves.toBeUndefined();
  });
});

describe('DX surveys configuration', () => {
  it('a mistake in dx.surveys stops start-up, naming its path', async () => {
    const broken = {
      definitions: [
        {
          ...SURVEYS.definitions[0],
          questions: [{ id: 'ease', text: 'Easy?', type: 'stars' }],
        },
      ],
    };
    await expect(
      startTestBackend({
        features: [
          dxPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.rootConfig.factory({
            data: {
              backend: {
                baseUrl: 'http://localhost:7007',
                database: { client: 'better-sqlite3', connection: ':memory:' },
              },
              dx: { surveys: broken },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /dx\.surveys\.definitions\[0\]\.questions\[0\]\.type: Invalid option/,
    );
  });
});

describe('SurveyStore on SQLite (the dev server)', () => {
  let knex: Knex;
  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await knex.migrate.up({
      directory: resolvePackagePath(
        '@internal/plugin-dx-backend',
        'migrations',
      ),
      name: '20261202100000_surveys.js',
    });
  });
  afterAll(async () => {
    await knex?.destroy();
  });

  it('records answers once per period, filters by team and reads them back', async () => {
    const store = new SurveyStore(knex);
    const at = new Date('2026-12-02T15:30:00Z');
    const base = { surveyId: DX, period: '2026-12', at };
    const id = await store.record({
      ...base,
      userRef: 'user:default/ana',
      answers: { ease: 4, slowed: 'CI' },
      teams: ['group:default/team-a'],
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      await store.record({
        ...base,
        userRef: 'user:default/ana',
        answers: { ease: 1 },
        teams: [],
      }),
    ).toBeUndefined();
    await store.record({
      ...base,
      userRef: 'user:default/dan',
      answers: { ease: 2 },
      teams: ['group:default/team-b'],
      taskId: 't-1',
      provisioningMs: 1234,
    });
    const answered = await store.answered('user:default/ana', [
      { surveyId: DX, period: '2026-12' },
      { surveyId: DX, period: '2026-11' },
    ]);
    expect([answered(DX, '2026-12'), answered(DX, '2026-11')]).toEqual([
      true,
      false,
    ]);
    const range = {
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-03T00:00:00Z'),
    };
    expect(
      await store.responses(DX, { ...range, owner: 'group:default/team-a' }),
    ).toEqual([
      {
        submittedAt: '2026-12-02T00:00:00.000Z',
        week: '2026-W49',
        answers: { ease: 4, slowed: 'CI' },
      },
    ]);
    expect(
      (await store.responses(DX, range)).map(r => r.provisioningMs),
    ).toEqual(expect.arrayContaining([undefined, 0]));
    expect(
      await store.responses(DX, {
        from: new Date('2026-12-03T00:00:00Z'),
        to: new Date('2026-12-04T00:00:00Z'),
      }),
    ).toEqual([]);
  });

  it('stores demo answers in bulk, once, without participation', async () => {
    await expect(storesDemoAnswersOnce(knex)).resolves.toBeUndefined();
  });
});
