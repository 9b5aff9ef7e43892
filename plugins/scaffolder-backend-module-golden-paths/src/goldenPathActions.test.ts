import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  eventually,
  startGoldenPathsBackend,
  type GoldenPathsTestBackend,
} from './__testUtils__/startGoldenPathsBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice';
const PAT = 'user:default/pat';
/** The MCP actions backend, as it acts for a user. */
const AGENT = 'plugin:mcp-actions';
const TEMPLATE = 'template:default/test-service';

let backend: GoldenPathsTestBackend;
let fixtures: string;

/**
 * A person's own token, or the token an agent presents for them: a user
 * principal whose actor is the service acting on their behalf.
 */
function as(user: string, agent?: string) {
  return `Bearer ${mockCredentials.user.token(
    user,
    agent ? { actor: { subject: agent } } : undefined,
  )}`;
}

/** An action of the golden-paths plugin, invoked as the MCP backend does. */
function invoke(name: string, auth: string, input: object) {
  return request(backend.server)
    .post(
      `/api/golden-paths/.backstage/actions/v1/actions/golden-paths:${name}/invoke`,
    )
    .set('Authorization', auth)
    .send(input);
}

async function entity(ref: string) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const res = await request(backend.server)
    .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
    .set('Authorization', as(ALICE));
  return res.status === 200 ? res.body : undefined;
}

async function task(id: string) {
  const res = await request(backend.server)
    .get(`/api/scaffolder/v2/tasks/${id}`)
    .set('Authorization', as(ALICE));
  return res.body;
}

beforeAll(async () => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-paths-actions-'));
  fs.cpSync(path.join(__dirname, '__fixtures__'), fixtures, {
    recursive: true,
  });
  backend = await startGoldenPathsBackend({
    locations: [
      path.join(fixtures, 'org.yaml'),
      path.join(fixtures, 'golden-path/template.yaml'),
    ],
    config: {
      goldenPaths: {
        gates: { notify: 'group:default/platform-team' },
        policy: {
          rules: [
            {
              id: 'name-convention',
              parameter: 'name',
              pattern: '[a-z][a-z0-9-]{1,38}[a-z0-9]',
              message: 'Names are lower-case kebab-case',
            },
            {
              id: 'owner-is-a-team',
              parameter: 'owner',
              required: true,
              entity: { kind: 'Group' },
              message: 'The owner must be a team in the catalog',
            },
          ],
          gates: [
            {
              id: 'large-database',
              parameter: 'storageGb',
              standard: { max: 100 },
              reason: 'Databases above 100 GB need a capacity review',
            },
          ],
        },
      },
    },
  });
  await eventually('the template and the groups in the catalog', async () =>
    (await entity(TEMPLATE)) && (await entity('group:default/team-a'))
      ? true
      : undefined,
  );
});

afterAll(async () => {
  await backend?.stop();
  if (fixtures) fs.rmSync(fixtures, { recursive: true, force: true });
});

describe('golden paths as actions, end to end', () => {
  it('lists the golden path with the policy in words', async () => {
    const res = await invoke('list-golden-paths', as(ALICE, AGENT), {});
    expect(res.status).toBe(200);
    const [template] = res.body.output.templates;
    expect(template).toMatchObject({
      ref: TEMPLATE,
      title: 'Test service',
      version: '2.1.0',
    });
    expect(template.parameters.map((p: any) => [p.name, p.required])).toEqual([
      ['name', true],
      ['owner', true],
      ['storageGb', false],
      ['file', false],
    ]);
    expect(template.policy.gates.map((g: any) => g.text)).toEqual([
      'Databases above 100 GB need a capacity review: the standard is that storageGb is at most 100; a request outside it waits for approval by the platform team (a person; no action approves it).',
    ]);
  });

  it('a standard request runs as the person and the component appears in the catalog', async () => {
    const res = await invoke('request-golden-path', as(ALICE), {
      template: 'test-service',
      parameters: { name: 'agent-orders', owner: 'group:default/team-a' },
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toMatchObject({
      state: 'completed',
      entityRef: 'component:default/agent-orders',
    });
    const component = await entity('component:default/agent-orders');
    expect(component.spec.owner).toBe('group:default/team-a');
    expect((await task(res.body.output.taskId)).createdBy).toBe(ALICE);
  });

  it('refuses a request that breaks a rule, creating nothing', async () => {
    const res = await invoke('request-golden-path', as(ALICE, AGENT), {
      template: TEMPLATE,
      parameters: { name: 'Bad_Name', owner: 'group:default/team-a' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'Names are lower-case kebab-case (name "Bad_Name" does not match',
    );
    expect(fs.readdirSync(backend.reposDir)).not.toContain('Bad_Name.git');
  });

  it("an agent's deviating request waits for a person; after approval the agent continues it as the requester", async () => {
    const res = await invoke('request-golden-path', as(ALICE, AGENT), {
      template: TEMPLATE,
      parameters: {
        name: 'agent-big-db',
        owner: 'group:default/team-a',
        storageGb: 250,
      },
    });
    expect(res.status).toBe(200);
    const { taskId, gateId } = res.body.output;
    expect(res.body.output).toMatchObject({
      state: 'waiting-at-gate',
      gateId: expect.stringMatching(/^\d+$/),
      reviewers: 'the platform team',
    });
    expect(res.body.output.entityRef).toBeUndefined();
    expect(await entity('component:default/agent-big-db')).toBeUndefined();
    // The task is the person's: the scaffolder ran it as alice.
    expect((await task(taskId)).createdBy).toBe(ALICE);

    // The review queue says who asked, and so does the audit trail.
    const queue = await request(backend.server)
      .get('/api/golden-paths/gates')
      .query({ status: 'pending' })
      .set('Authorization', as(PAT));
    expect(queue.body.items.find((g: any) => g.id === gateId)).toMatchObject({
      taskId,
      requester: ALICE,
      requestedVia: { agent: AGENT, onBehalfOf: ALICE },
    });
    const audit = await request(backend.server)
      .get(`/api/golden-paths/gates/${gateId}/audit`)
      .set('Authorization', as(ALICE));
    expect(audit.body.items[0].comment).toMatch(
      /^opened by agent plugin:mcp-actions for alice: Databases above 100 GB/,
    );

    // No action approves: the agent can only wait, and continuing waits too.
    const early = await invoke(
      'continue-golden-path-request',
      as(ALICE, AGENT),
      {
        gateId,
      },
    );
    expect(early.status).toBe(409);
    const stands = await invoke('get-golden-path-request', as(ALICE, AGENT), {
      taskId,
    });
    expect(stands.body.output).toMatchObject({
      state: 'waiting-at-gate',
      gate: { id: gateId, status: 'pending', reviewers: 'the platform team' },
    });

    // A person of the platform team approves it, changing the size.
    const approved = await request(backend.server)
      .post(`/api/golden-paths/gates/${gateId}/approve`)
      .set('Authorization', as(PAT))
      .send({ comment: 'Start at 100 GB', parameters: { storageGb: 100 } });
    expect(approved.status).toBe(200);

    // The agent continues it for alice: a new task, as alice.
    const continued = await invoke(
      'continue-golden-path-request',
      as(ALICE, AGENT),
      { gateId },
    );
    expect(continued.status).toBe(200);
    expect(continued.body.output).toMatchObject({
      state: 'completed',
      gateId,
      entityRef: 'component:default/agent-big-db',
    });
    const next = continued.body.output.taskId;
    expect(next).not.toBe(taskId);
    expect((await task(next)).createdBy).toBe(ALICE);
    const component = await entity('component:default/agent-big-db');
    expect(component.metadata.annotations['example.com/storage-gb']).toBe(
      '100',
    );

    const done = await invoke('get-golden-path-request', as(ALICE, AGENT), {
      gateId,
    });
    expect(done.body.output).toMatchObject({
      taskId: next,
      state: 'completed',
      gate: { status: 'approved', decidedBy: PAT, continuedTaskId: next },
    });

    // The gate metrics count it as an agent's request.
    const metrics = await request(backend.server)
      .get('/api/golden-paths/metrics/gates')
      .set('Authorization', as(PAT));
    expect(metrics.body).toMatchObject({
      requested: 1,
      approved: 1,
      byRequester: {
        people: { requested: 0 },
        agents: { requested: 1, approved: 1, pending: 0 },
      },
    });
  });
});
