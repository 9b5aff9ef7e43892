import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { GateCheckResponse } from '@internal/plugin-golden-paths-common';
import express from 'express';
import Router from 'express-promise-router';
import type { Knex } from 'knex';
import request from 'supertest';
import goldenPathsPlugin from '../index';
import { whoAsked } from './goldenPathActions';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const PAT = 'user:default/pat';
const AGENT = 'plugin:mcp-actions';

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'postgres-database',
    namespace: 'default',
    title: 'PostgreSQL database',
    description: 'A PostgreSQL   database\nfor one service.',
    tags: ['database'],
    annotations: { 'portal.dev/template-version': '1.2.0' },
  },
  spec: {
    owner: 'group:default/platform-team',
    type: 'resource',
    parameters: [
      {
        required: ['name', 'owner'],
        properties: {
          name: { title: 'Name', type: 'string', pattern: '^[a-z-]+$' },
          owner: { title: 'Owner', type: 'string' },
        },
      },
      {
        properties: {
          storageGb: {
            title: 'Storage (GB)',
            type: 'integer',
            default: 20,
            minimum: 1,
            maximum: 1000,
          },
          tier: { type: 'string', enum: ['standard', 'high-availability'] },
          policyCheck: { type: 'string', 'ui:field': 'PolicyCheck' },
        },
      },
    ],
    steps: [],
  },
};

const otherTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'react-spa', namespace: 'default', title: 'React app' },
  spec: {
    type: 'website',
    parameters: { properties: { name: { type: 'string' } } },
    steps: [],
  },
};

const entities: Entity[] = [
  template,
  otherTemplate,
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team', namespace: 'default' },
    spec: {
      type: 'team',
      children: [],
      profile: { displayName: 'Platform Team' },
    },
  },
];

const policy = {
  rules: [
    {
      id: 'name-convention',
      parameter: 'name',
      pattern: '[a-z][a-z0-9-]{1,38}[a-z0-9]',
      message: 'Names are lower-case words joined by "-"',
    },
    {
      id: 'owner-is-a-team',
      parameter: 'owner',
      required: true,
      entity: { kind: 'Group' },
      message: 'The owner must be a team in the catalog',
    },
    {
      id: 'database-size-limit',
      parameter: 'storageGb',
      min: 1,
      max: 1000,
      message: 'Databases are between 1 and 1000 GB',
    },
    {
      id: 'cpu-limit',
      parameter: 'cpu',
      templates: ['k8s-namespace'],
      max: 64,
      message: 'At most 64 cores',
    },
  ],
  gates: [
    {
      id: 'large-database',
      parameter: 'storageGb',
      standard: { max: 100 },
      reason: 'Databases above 100 GB need a capacity review',
    },
    {
      id: 'high-availability',
      parameter: 'tier',
      templates: ['postgres-database'],
      standard: { oneOf: ['standard'] },
      reason: 'High availability doubles the cost',
    },
  ],
};

interface FakeTask {
  id: string;
  status: string;
  createdBy?: string;
  values: Record<string, unknown>;
  templateRef: string;
  events: Array<{ type: string; body: Record<string, unknown> }>;
}

/**
 * A stand-in scaffolder: creates tasks as the caller and runs their policy
 * step against the golden-paths backend (`/checks`, as the real
 * `portal:policy:check` does), then "creates" `component:default/<name>`.
 */
function fakeScaffolder(tasks: Map<string, FakeTask>) {
  return createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
        },
        async init({ httpRouter, httpAuth, auth, discovery }) {
          const router = Router();
          router.use(express.json());
          const policyStep = async (task: FakeTask) => {
            const { goldenGate, ...parameters } = task.values;
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'golden-paths',
            });
            const response = await fetch(
              `${await discovery.getBaseUrl('golden-paths')}/checks`,
              {
                method: 'POST',
                headers: {
                  authorization: `Bearer ${token}`,
                  'content-type': 'application/json',
                },
                body: JSON.stringify({
                  taskId: task.id,
                  templateRef: task.templateRef,
                  requester: task.createdBy,
                  initiator: task.createdBy,
                  parameters,
                  ...(goldenGate ? { gateId: String(goldenGate) } : {}),
                }),
              },
            );
            const check = (await response.json()) as GateCheckResponse;
            if (check.decision === 'reject') {
              const message =
                check.refusal ??
                check.result.violations.map(v => v.message).join('; ');
              task.events.push(
                {
                  type: 'log',
                  body: { stepId: 'policy', status: 'failed' },
                },
                {
                  type: 'completion',
                  body: { error: { name: 'NotAllowedError', message } },
                },
              );
              task.status = 'failed';
              return;
            }
            const links =
              check.decision === 'proceed'
                ? [
                    {
                      title: 'Open in catalog',
                      entityRef: `component:default/${check.parameters.name}`,
                    },
                  ]
                : [];
            task.events.push({
              type: 'completion',
              body: { output: { links } },
            });
            task.status = 'completed';
          };
          router.post('/v2/tasks', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            const task: FakeTask = {
              id: `task-${tasks.size + 1}`,
              status: 'processing',
              createdBy: credentials.principal.userEntityRef,
              values: req.body.values,
              templateRef: req.body.templateRef,
              events: [],
            };
            tasks.set(task.id, task);
            setTimeout(() => policyStep(task).catch(() => {}), 50);
            res.status(201).json({ id: task.id });
          });
          router.get('/v2/tasks/:id', async (req, res) => {
            await httpAuth.credentials(req);
            const task = tasks.get(req.params.id);
            if (!task) {
              res.status(404).json({ error: { name: 'NotFoundError' } });
              return;
            }
            res.json({
              id: task.id,
              status: task.status,
              createdBy: task.createdBy,
              spec: { steps: [{ id: 'policy', name: 'Policy check' }] },
            });
          });
          router.get('/v2/tasks/:id/events', async (req, res) => {
            await httpAuth.credentials(req);
            res.json(tasks.get(req.params.id)?.events ?? []);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** Denied golden-paths.actions.read: the read actions do not exist for her. */
const CAROL = 'user:default/carol';
/** Denied golden-paths.request: the write actions do not exist for him. */
const DAN = 'user:default/dan';

/** Permissions everyone holds, as the portal's policy grants them, and who is denied each. */
const EVERYONE: Record<string, string | undefined> = {
  'golden-paths.actions.read': CAROL,
  'golden-paths.request': DAN,
};

/**
 * Only pat reviews golden gates (pat may do anything); everyone else sees
 * the actions and requests golden paths, but CAROL and DAN.
 */
const reviewerPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const principal = options?.credentials?.principal;
      const user = principal?.type === 'user' && principal.userEntityRef;
      return requests.map(r => ({
        result:
          user === PAT ||
          // Services see the actions too (the framework does not ask the
          // policy for them); the actions refuse them themselves.
          ((user || principal?.type === 'service') &&
            r.permission.name in EVERYONE &&
            EVERYONE[r.permission.name] !== user)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional(requests: any[]) {
      return requests.map(() => ({ result: AuthorizeResult.DENY }));
    },
  }),
});

let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
let knex: Knex;
const tasks = new Map<string, FakeTask>();

beforeAll(async () => {
  knex = await databases.init('POSTGRES_15');
  ({ server } = await startTestBackend({
    features: [
      goldenPathsPlugin,
      fakeScaffolder(tasks),
      mockServices.database.factory({ knex }),
      reviewerPermissions,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          goldenPaths: {
            policy,
            gates: { notify: 'group:default/platform-team' },
          },
        },
      }),
    ],
  }));
});

/** A person's own credentials, or an agent's acting for them. */
function as(user: string, agent?: string) {
  return `Bearer ${mockCredentials.user.token(
    user,
    agent ? { actor: { subject: agent } } : undefined,
  )}`;
}

function invoke(name: string, auth: string, input: unknown) {
  return request(server)
    .post(
      `/api/golden-paths/.backstage/actions/v1/actions/golden-paths:${name}/invoke`,
    )
    .set('Authorization', auth)
    .send(input as object);
}

describe('whoAsked', () => {
  it('tells an agent acting for a person from the person', () => {
    expect(
      whoAsked(mockCredentials.user(ALICE, { actor: { subject: AGENT } })),
    ).toEqual({ user: ALICE, agent: AGENT });
    expect(whoAsked(mockCredentials.user(ALICE))).toEqual({ user: ALICE });
    expect(whoAsked(mockCredentials.service('plugin:catalog'))).toBeUndefined();
    expect(whoAsked(mockCredentials.none())).toBeUndefined();
  });
});

describe('golden-path actions', () => {
  it('are offered with their attributes', async () => {
    const res = await request(server)
      .get('/api/golden-paths/.backstage/actions/v1/actions')
      .set('Authorization', as(ALICE));
    expect(res.status).toBe(200);
    const actions = Object.fromEntries(
      res.body.actions.map((a: any) => [a.id, a.attributes]),
    );
    const read = { readOnly: true, destructive: false, idempotent: true };
    const write = { readOnly: false, destructive: false, idempotent: false };
    expect(actions).toEqual({
      'golden-paths:list-golden-paths': read,
      'golden-paths:check-golden-path-request': read,
      'golden-paths:request-golden-path': write,
      'golden-paths:get-golden-path-request': read,
      'golden-paths:continue-golden-path-request': write,
    });
  });

  it('list the golden paths with their parameters and the policy in words', async () => {
    const res = await invoke('list-golden-paths', as(ALICE, AGENT), {});
    expect(res.status).toBe(200);
    const [postgres, react] = res.body.output.templates;
    expect(postgres).toMatchObject({
      ref: 'template:default/postgres-database',
      name: 'postgres-database',
      title: 'PostgreSQL database',
      description: 'A PostgreSQL database for one service.',
      version: '1.2.0',
      owner: 'group:default/platform-team',
      tags: ['database'],
    });
    expect(postgres.parameters).toEqual([
      {
        name: 'name',
        title: 'Name',
        type: 'string',
        required: true,
        pattern: '^[a-z-]+$',
      },
      { name: 'owner', title: 'Owner', type: 'string', required: true },
      {
        name: 'storageGb',
        title: 'Storage (GB)',
        type: 'integer',
        required: false,
        default: 20,
        minimum: 1,
        maximum: 1000,
      },
      {
        name: 'tier',
        type: 'string',
        required: false,
        enum: ['standard', 'high-availability'],
      },
    ]);
    expect(postgres.policy.rules.map((r: any) => r.text)).toEqual([
      'Names are lower-case words joined by "-": name matches [a-z][a-z0-9-]{1,38}[a-z0-9] (the whole value). A request that breaks it is refused.',
      'The owner must be a team in the catalog: owner is required and names a Group in the catalog. A request that breaks it is refused.',
      'Databases are between 1 and 1000 GB: storageGb is between 1 and 1000. A request that breaks it is refused.',
    ]);
    expect(postgres.policy.gates).toEqual([
      {
        id: 'large-database',
        parameter: 'storageGb',
        text: 'Databases above 100 GB need a capacity review: the standard is that storageGb is at most 100; a request outside it waits for approval by the Platform Team (a person; no action approves it).',
      },
      {
        id: 'high-availability',
        parameter: 'tier',
        text: 'High availability doubles the cost: the standard is that tier is one of standard; a request outside it waits for approval by the Platform Team (a person; no action approves it).',
      },
    ]);
    // Rules of parameters it does not ask for stay out; required ones stay.
    expect(react.policy.rules.map((r: any) => r.id)).toEqual([
      'name-convention',
      'owner-is-a-team',
    ]);
    expect(react.policy.gates).toEqual([]);

    const found = await invoke('list-golden-paths', as(ALICE), {
      query: 'Database',
    });
    expect(found.body.output.templates.map((t: any) => t.name)).toEqual([
      'postgres-database',
    ]);
  });

  it('check a request as POST /policy/evaluate does, in words', async () => {
    const ok = await invoke('check-golden-path-request', as(ALICE, AGENT), {
      template: 'postgres-database',
      parameters: { name: 'orders-db', owner: 'group:default/team-a' },
    });
    expect(ok.body.output).toMatchObject({
      allowed: true,
      waitsAtGate: false,
      summary:
        'The request keeps the rules and the standard: it would run on the golden path without waiting.',
    });

    const gated = await invoke('check-golden-path-request', as(ALICE), {
      template: 'template:default/postgres-database',
      parameters: {
        name: 'orders-db',
        owner: 'group:default/team-a',
        storageGb: 250,
      },
    });
    expect(gated.body.output).toMatchObject({
      allowed: true,
      waitsAtGate: true,
      reviewers: 'the Platform Team',
      gates: [{ gate: 'large-database', parameter: 'storageGb', value: 250 }],
      summary:
        'The request keeps the rules but leaves the standard: it would wait for approval by the Platform Team (a person) before anything is created: Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100).',
    });
    const evaluated = await request(server)
      .post('/api/golden-paths/policy/evaluate')
      .set('Authorization', as(ALICE))
      .send({
        template: 'postgres-database',
        parameters: {
          name: 'orders-db',
          owner: 'group:default/team-a',
          storageGb: 250,
        },
      });
    expect(gated.body.output.gates).toEqual(evaluated.body.gates);

    const broken = await invoke('check-golden-path-request', as(ALICE), {
      template: 'postgres-database',
      parameters: { name: 'Orders_DB', owner: 'group:default/nobody' },
    });
    expect(broken.body.output.allowed).toBe(false);
    expect(broken.body.output.violations.map((v: any) => v.rule)).toEqual([
      'name-convention',
      'owner-is-a-team',
    ]);
    expect(broken.body.output.summary).toMatch(
      /^The request would be refused: /,
    );
  });

  it('refuse a request that breaks the policy before creating anything', async () => {
    const before = tasks.size;
    const res = await invoke('request-golden-path', as(ALICE, AGENT), {
      template: 'postgres-database',
      parameters: { name: 'Orders_DB', owner: 'group:default/team-a' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^the request breaks the organisation policy, nothing was created: Names are lower-case words joined by "-" \(name "Orders_DB" does not match/,
    );
    const gate = await invoke('request-golden-path', as(ALICE), {
      template: 'postgres-database',
      parameters: {
        name: 'x-db',
        owner: 'group:default/team-a',
        goldenGate: '1',
      },
    });
    expect(gate.status).toBe(400);
    expect(gate.body.error.message).toContain(
      'golden-paths:continue-golden-path-request',
    );
    const unknown = await invoke('request-golden-path', as(ALICE), {
      template: 'no-such-path',
      parameters: {},
    });
    expect(unknown.status).toBe(404);
    const service = await invoke(
      'request-golden-path',
      mockCredentials.service.header(),
      { template: 'postgres-database', parameters: {} },
    );
    expect(service.status).toBe(403);
    expect(tasks.size).toBe(before);
  });

  it('run a standard request as the person and answer with the entity it made', async () => {
    const res = await invoke('request-golden-path', as(ALICE), {
      template: 'postgres-database',
      parameters: { name: 'orders-db', owner: 'group:default/team-a' },
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({
      taskId: expect.any(String),
      state: 'completed',
      entityRef: 'component:default/orders-db',
      message:
        'Completed on the golden path: created component:default/orders-db, visible in the catalog.',
    });
    const task = tasks.get(res.body.output.taskId)!;
    expect(task.createdBy).toBe(ALICE);
    expect(task.templateRef).toBe('template:default/postgres-database');
    // A person asked themselves: recorded, without an agent.
    expect(
      await knex('golden_path_agent_requests').where({ task_id: task.id }),
    ).toEqual([expect.objectContaining({ agent: null, on_behalf_of: ALICE })]);
  });

  it("an agent's deviating request waits at a gate that says who asked; a person approves, the agent continues it as the person", async () => {
    const res = await invoke('request-golden-path', as(ALICE, AGENT), {
      template: 'postgres-database',
      parameters: {
        name: 'big-db',
        owner: 'group:default/team-a',
        storageGb: 250,
      },
    });
    expect(res.status).toBe(200);
    const { taskId, gateId } = res.body.output;
    expect(res.body.output).toMatchObject({
      state: 'waiting-at-gate',
      gateId: expect.stringMatching(/^\d+$/),
      reviewers: 'the Platform Team',
    });
    expect(res.body.output.message).toContain(
      'Waiting for approval by the Platform Team, since',
    );
    expect(res.body.output.message).toContain(
      'Only a person approves golden gates: no action can.',
    );
    expect(tasks.get(taskId)!.createdBy).toBe(ALICE);

    // The review queue and the gate say who asked.
    const queue = await request(server)
      .get('/api/golden-paths/gates?status=pending')
      .set('Authorization', as(PAT));
    expect(queue.body.items.find((g: any) => g.id === gateId)).toMatchObject({
      requester: ALICE,
      requestedVia: { agent: AGENT, onBehalfOf: ALICE },
    });
    const audit = await request(server)
      .get(`/api/golden-paths/gates/${gateId}/audit`)
      .set('Authorization', as(ALICE));
    expect(audit.body.items[0]).toMatchObject({
      action: 'requested',
      actor: ALICE,
      comment:
        'opened by agent plugin:mcp-actions for alice: Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
    });

    // Where it stands: the requester (and their agent) and reviewers only.
    const waiting = await invoke('get-golden-path-request', as(ALICE, AGENT), {
      gateId,
    });
    expect(waiting.body.output).toMatchObject({
      taskId,
      state: 'waiting-at-gate',
      requester: ALICE,
      gate: {
        id: gateId,
        status: 'pending',
        reviewers: 'the Platform Team',
        reasons: [
          'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
        ],
        requestedVia: { agent: AGENT, onBehalfOf: ALICE },
      },
    });
    const byTask = await invoke('get-golden-path-request', as(PAT), {
      taskId,
    });
    expect(byTask.body.output.gate.id).toBe(gateId);
    const bob = await invoke('get-golden-path-request', as(BOB, AGENT), {
      gateId,
    });
    expect(bob.status).toBe(403);
    const neither = await invoke('get-golden-path-request', as(ALICE), {});
    expect(neither.status).toBe(400);

    // Nothing continues before a person approves it.
    const early = await invoke(
      'continue-golden-path-request',
      as(ALICE, AGENT),
      {
        gateId,
      },
    );
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      `golden gate request ${gateId} still waits for approval by the Platform Team: only a person approves it; continue it once it is approved`,
    );

    const approved = await request(server)
      .post(`/api/golden-paths/gates/${gateId}/approve`)
      .set('Authorization', as(PAT))
      .send({ comment: 'Start at 100', parameters: { storageGb: 100 } });
    expect(approved.status).toBe(200);

    const approvedState = await invoke('get-golden-path-request', as(ALICE), {
      taskId,
    });
    expect(approvedState.body.output).toMatchObject({
      state: 'approved',
      gate: { status: 'approved', decidedBy: PAT, comment: 'Start at 100' },
    });
    expect(approvedState.body.output.message).toContain(
      'continue it with golden-paths:continue-golden-path-request',
    );

    // Only the requester (or an agent acting for them) continues it.
    const other = await invoke('continue-golden-path-request', as(BOB, AGENT), {
      gateId,
    });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(
      `golden gate request ${gateId} belongs to alice: only they (or an agent acting for them) can continue it`,
    );

    const continued = await invoke(
      'continue-golden-path-request',
      as(ALICE, AGENT),
      { gateId },
    );
    expect(continued.status).toBe(200);
    expect(continued.body.output).toMatchObject({
      state: 'completed',
      gateId,
      entityRef: 'component:default/big-db',
    });
    const next = tasks.get(continued.body.output.taskId)!;
    expect(next.createdBy).toBe(ALICE);
    expect(next.values).toEqual({
      name: 'big-db',
      owner: 'group:default/team-a',
      storageGb: 100,
      goldenGate: gateId,
    });

    const twice = await invoke('continue-golden-path-request', as(ALICE), {
      gateId,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(
      `golden gate request ${gateId} was already continued by task ${next.id}`,
    );
    const done = await invoke('get-golden-path-request', as(ALICE), {
      gateId,
    });
    expect(done.body.output).toMatchObject({
      taskId: next.id,
      state: 'completed',
      entityRef: 'component:default/big-db',
      gate: { continuedTaskId: next.id },
    });

    // The metrics count it under agents.
    const metrics = await request(server)
      .get('/api/golden-paths/metrics/gates')
      .set('Authorization', as(PAT));
    expect(metrics.body).toMatchObject({
      requested: 1,
      approved: 1,
      byRequester: {
        people: { requested: 0, approved: 0 },
        agents: { requested: 1, approved: 1, pending: 0, rejected: 0 },
      },
    });
  });

  it('a rejected request cannot be continued', async () => {
    const res = await invoke('request-golden-path', as(ALICE), {
      template: 'postgres-database',
      parameters: {
        name: 'ha-db',
        owner: 'group:default/team-a',
        tier: 'high-availability',
      },
    });
    const { gateId } = res.body.output;
    expect(res.body.output.state).toBe('waiting-at-gate');
    const gate = await request(server)
      .get(`/api/golden-paths/gates/${gateId}`)
      .set('Authorization', as(ALICE));
    // A person asked through the action: no agent to show.
    expect(gate.body.requestedVia).toBeUndefined();
    await request(server)
      .post(`/api/golden-paths/gates/${gateId}/reject`)
      .set('Authorization', as(PAT))
      .send({ comment: 'One instance is enough' })
      .expect(200);
    const state = await invoke('get-golden-path-request', as(ALICE), {
      gateId,
    });
    expect(state.body.output).toMatchObject({
      state: 'rejected',
      message: `Golden gate request ${gateId} was rejected by pat: One instance is enough. Nothing was created.`,
    });
    const continued = await invoke('continue-golden-path-request', as(ALICE), {
      gateId,
    });
    expect(continued.status).toBe(409);
    expect(continued.body.error.message).toBe(
      `golden gate request ${gateId} was rejected by pat: One instance is enough`,
    );
  });

  it('each exists only for callers its visibility permission allows, agents acting for them included', async () => {
    const reads = [
      'golden-paths:list-golden-paths',
      'golden-paths:check-golden-path-request',
      'golden-paths:get-golden-path-request',
    ];
    const writes = [
      'golden-paths:request-golden-path',
      'golden-paths:continue-golden-path-request',
    ];
    const listed = async (auth: string) => {
      const res = await request(server)
        .get('/api/golden-paths/.backstage/actions/v1/actions')
        .set('Authorization', auth);
      expect(res.status).toBe(200);
      return res.body.actions.map((a: any) => a.id).sort();
    };
    expect(await listed(as(ALICE, AGENT))).toEqual(
      [...reads, ...writes].sort(),
    );
    // Denied golden-paths.actions.read only: the reads are gone.
    expect(await listed(as(CAROL))).toEqual([...writes].sort());
    expect(await listed(as(CAROL, AGENT))).toEqual([...writes].sort());
    // Denied golden-paths.request only: the writes are gone.
    expect(await listed(as(DAN))).toEqual([...reads].sort());

    const notFound = (res: request.Response, id: string) => {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `Action "${id}" not found`,
      });
    };
    notFound(
      await invoke('list-golden-paths', as(CAROL, AGENT), {}),
      'golden-paths:list-golden-paths',
    );
    notFound(
      await invoke('get-golden-path-request', as(CAROL), { taskId: 'task-1' }),
      'golden-paths:get-golden-path-request',
    );
    const before = tasks.size;
    notFound(
      await invoke('request-golden-path', as(DAN, AGENT), {
        template: 'postgres-database',
        parameters: { name: 'dans-db', owner: 'group:default/team-a' },
      }),
      'golden-paths:request-golden-path',
    );
    notFound(
      await invoke('continue-golden-path-request', as(DAN), { gateId: 'g1' }),
      'golden-paths:continue-golden-path-request',
    );
    expect(tasks.size).toBe(before);
    expect((await invoke('list-golden-paths', as(DAN), {})).status).toBe(200);
  });
});
