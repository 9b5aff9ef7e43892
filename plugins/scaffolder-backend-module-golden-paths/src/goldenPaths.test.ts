import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
// The SLO backend next to the golden paths, as the portal runs them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import sloPlugin from '@internal/plugin-slo-backend';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  eventually,
  failureOf,
  runTemplate,
  startGoldenPathsBackend,
  taskLog,
  waitForTask,
  type GoldenPathsTestBackend,
} from './__testUtils__/startGoldenPathsBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice';
const PAT = 'user:default/pat';
const TEMPLATE = 'template:default/test-service';

let backend: GoldenPathsTestBackend;
let fixtures: string;

function as(user: string) {
  return mockCredentials.user.header(user);
}

function repositories(): string[] {
  return fs.readdirSync(backend.reposDir).sort();
}

function showFile(repo: string, file: string): string {
  return execFileSync(
    'git',
    [`--git-dir=${path.join(backend.reposDir, repo)}`, 'show', `HEAD:${file}`],
    { encoding: 'utf8' },
  );
}

async function entity(ref: string) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const res = await request(backend.server)
    .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
    .set('Authorization', as(ALICE));
  return res.status === 200 ? res.body : undefined;
}

async function run(taskId: string) {
  const res = await request(backend.server)
    .get('/api/golden-paths/runs')
    .query({ mine: 'true' })
    .set('Authorization', as(ALICE));
  return res.body.items.find((r: any) => r.taskId === taskId);
}

async function notificationsOf(user: string) {
  const res = await request(backend.server)
    .get('/api/notifications/notifications')
    .set('Authorization', as(user));
  return (res.body.notifications ?? []) as Array<{
    payload: { title: string; description?: string };
  }>;
}

beforeAll(async () => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-paths-fixtures-'));
  fs.cpSync(path.join(__dirname, '__fixtures__'), fixtures, {
    recursive: true,
  });
  backend = await startGoldenPathsBackend({
    // The SLO backend collects finished tasks for the provisioning SLOs,
    // on the real scheduler.
    features: [sloPlugin, schedulerServiceFactory],
    locations: [
      path.join(fixtures, 'org.yaml'),
      path.join(fixtures, 'golden-path/template.yaml'),
      path.join(fixtures, 'retry-path/template.yaml'),
      path.join(fixtures, 'escape-path/template.yaml'),
    ],
    config: {
      slo: { provisioning: { frequencyMs: 1000 } },
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
            {
              id: 'database-size-limit',
              parameter: 'storageGb',
              max: 1000,
              message: 'Databases are at most 1000 GB',
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
  await eventually('templates and groups in the catalog', async () =>
    (await entity(TEMPLATE)) &&
    (await entity('template:default/retry-service')) &&
    (await entity('template:default/escape-service')) &&
    (await entity('group:default/team-a'))
      ? true
      : undefined,
  );
});

afterAll(async () => {
  await backend?.stop();
  if (fixtures) fs.rmSync(fixtures, { recursive: true, force: true });
});

describe('a golden path end to end', () => {
  it('creates the repository, shows the component in the catalog and records the run', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { name: 'orders-api', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('completed');
    expect(task.output.links).toEqual([
      { title: 'Open in catalog', entityRef: 'component:default/orders-api' },
    ]);
    expect(task.output.text[0].content).toBe('Created on the golden path');

    expect(repositories()).toEqual(['orders-api.git']);
    expect(showFile('orders-api.git', 'catalog-info.yaml')).toContain(
      "portal.dev/template-version: '2.1.0'",
    );

    // Visible when the task finished: no waiting for a processing loop.
    const component = await entity('component:default/orders-api');
    expect(component.metadata.annotations).toMatchObject({
      'portal.dev/template': TEMPLATE,
      'portal.dev/template-version': '2.1.0',
      'portal.dev/ingestion-repository': 'local-repos/orders-api',
    });
    expect(component.spec.owner).toBe('group:default/team-a');

    const recorded = await eventually('the run', async () => {
      const r = await run(task.id);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(recorded).toMatchObject({
      templateRef: TEMPLATE,
      templateVersion: '2.1.0',
      requester: ALICE,
      attempts: 1,
    });
    expect(recorded.durationMs).toBeGreaterThan(0);
    expect(recorded.durationMs).toBeLessThan(60_000);
  });

  it('a broken rule fails in words, leaves no repository and registers nothing', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { name: 'Orders_API', owner: 'group:default/nobody' },
    });
    expect(task.status).toBe('failed');
    expect(taskLog(task)).toContain(
      'Names are lower-case kebab-case (name "Orders_API" does not match',
    );
    expect(taskLog(task)).toContain(
      'no Group "group:default/nobody" in the catalog',
    );
    expect(repositories()).toEqual(['orders-api.git']);
    expect(await entity('component:default/orders_api')).toBeUndefined();
    const recorded = await eventually('the failed run', async () => {
      const r = await run(task.id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(recorded.failedStep).toBe('Policy check');
    expect(recorded.failureReason).toMatch(
      /^The request breaks a rule of the organisation: Names are lower-case kebab-case/,
    );
  });

  it.each([
    [
      'path traversal',
      { name: '../../etc/evil' },
      'name contains a ".." path segment',
    ],
    [
      'control characters',
      { name: 'evil\u0000' },
      'name contains control characters',
    ],
    [
      'a huge value',
      { name: 'x'.repeat(5000) },
      'name is 5000 characters long',
    ],
  ])(
    'refuses %s before anything is written',
    async (_what, values, message) => {
      const task = await runTemplate(backend.server, {
        templateRef: TEMPLATE,
        user: ALICE,
        values: { owner: 'group:default/team-a', ...values },
      });
      expect(task.status).toBe('failed');
      expect(taskLog(task)).toContain(message);
      expect(repositories()).toEqual(['orders-api.git']);
    },
  );

  it('a template that writes outside its workspace fails before publishing anything', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/escape-service',
      user: ALICE,
      values: { name: 'escape-api', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('failed');
    expect(taskLog(task)).toMatch(
      /Relative path is not allowed to refer to a directory outside its parent/,
    );
    expect(repositories()).toEqual(['orders-api.git']);
    expect(await entity('component:default/escape-api')).toBeUndefined();
  });

  it('a repository that exists is a clear error and stays untouched', async () => {
    const before = showFile('orders-api.git', 'catalog-info.yaml');
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: {
        name: 'orders-api',
        owner: 'group:default/team-a',
        storageGb: 10,
      },
    });
    expect(task.status).toBe('failed');
    expect(taskLog(task)).toContain('repository "orders-api" already exists');
    expect(showFile('orders-api.git', 'catalog-info.yaml')).toBe(before);
    expect(repositories()).toEqual(['orders-api.git']);
    const recorded = await eventually('the failed run', async () => {
      const r = await run(task.id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(recorded.failedStep).toBe('Publish');
    expect(recorded.failureReason).toMatch(
      /^Something with this name already exists/,
    );
  });
});

describe('golden gates', () => {
  it('a deviation waits for approval as its own state, then the requester continues it with the approved parameters', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: {
        name: 'big-db',
        owner: 'group:default/team-a',
        storageGb: 250,
        // What the form's PolicyCheck field stores: not a real parameter.
        policyCheck: 'needs-approval',
      },
    });
    // Waiting is not a failure: the task completes, nothing after the gate
    // runs, and its output says who approves it, since when, what next.
    expect(task.status).toBe('completed');
    expect(failureOf(task)).not.toMatch(/error|fail/i);
    const stepStatus = (id: string) =>
      task.events
        .filter(e => e.type === 'log' && e.body.stepId === id)
        .map(e => e.body.status)
        .filter(Boolean)
        .pop();
    expect(stepStatus('policy')).toBe('completed');
    for (const id of ['fetch', 'publish', 'register']) {
      expect([id, stepStatus(id)]).toEqual([id, 'skipped']);
    }
    expect(
      task.events.filter(e => e.type === 'log' && e.body.status === 'failed'),
    ).toEqual([]);
    expect(task.output.text).toHaveLength(1);
    expect(task.output.text[0].content).toMatch(
      /^Waiting for approval by the platform team, since \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC \(request \d+\)\.\n\n- Databases above 100 GB need a capacity review \(storageGb 250 is above the maximum of 100\)\n\nNothing has been created yet: you are notified when they decide, and after an approval you continue it from My runs on the Golden paths page\.$/,
    );
    // No link to a component that does not exist, no survey about it.
    expect(task.output.links.filter((l: any) => l.url || l.entityRef)).toEqual(
      [],
    );
    expect(repositories()).not.toContain('big-db.git');
    const waitingRun = await eventually('the run waiting', async () => {
      const r = await run(task.id);
      return r?.status === 'awaiting-approval' ? r : undefined;
    });
    // Neither a completion nor a failure: no provisioning time.
    expect(waitingRun.durationMs).toBeUndefined();
    expect(waitingRun.failedStep).toBeUndefined();
    expect(waitingRun.reviewers).toBe('the platform team');
    // Nor for the platform's provisioning SLOs: a task that ends later is
    // collected while the waiting one, older, is left out.
    const later = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { name: 'after-gate', owner: 'group:default/team-a' },
    });
    expect(later.status).toBe('completed');
    const slo = backend.database('slo');
    const collected = await eventually('the later task collected', async () => {
      const ids = (await slo('slo_provisioning_runs').select('task_id')).map(
        r => r.task_id,
      );
      return ids.includes(later.id) ? ids : undefined;
    });
    expect(collected).not.toContain(task.id);

    // The requester sees their request; only reviewers see the queue.
    const mine = await request(backend.server)
      .get('/api/golden-paths/gates')
      .query({ mine: 'true' })
      .set('Authorization', as(ALICE));
    expect(mine.body.items).toHaveLength(1);
    const gate = mine.body.items[0];
    expect(gate).toMatchObject({
      status: 'pending',
      requester: ALICE,
      taskId: task.id,
      reviewers: 'the platform team',
    });
    expect(waitingRun).toMatchObject({
      gateId: gate.id,
      waitingSince: gate.createdAt,
    });
    // The form-only PolicyCheck value is neither checked nor shown.
    expect(Object.keys(gate.parameters).sort()).toEqual([
      'name',
      'owner',
      'storageGb',
    ]);

    const reviewers = await notificationsOf(PAT);
    // Names in the texts people read, never the raw refs.
    expect(reviewers.map(n => n.payload.title)).toContain(
      'Golden gate: alice asks for test-service',
    );
    for (const n of [...reviewers, ...(await notificationsOf(ALICE))]) {
      expect(n.payload.title).not.toMatch(/(user|template):default\//);
      expect(n.payload.description ?? '').not.toMatch(
        /(user|template):default\//,
      );
    }
    const waitingNotice = (await notificationsOf(ALICE)).find(
      n =>
        n.payload.title ===
        'Waiting for approval: your request for test-service',
    );
    expect(waitingNotice?.payload.description).toMatch(
      /^Waiting for approval by the platform team, since .+ UTC: Databases above 100 GB need a capacity review .*\. Nothing has been created yet: you are notified when they decide/,
    );

    // Continuing before the approval is refused, and creates nothing.
    const early = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { ...gate.parameters, goldenGate: gate.id },
    });
    expect(early.status).toBe('failed');
    expect(failureOf(early)).toBe(
      `golden gate request ${gate.id} still waits for approval by the platform team: continue it once it is approved`,
    );

    // Four eyes: the requester cannot approve their own request.
    const own = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/approve`)
      .set('Authorization', as(ALICE))
      .send({});
    expect(own.status).toBe(403);
    expect(own.body.error.message).toContain('four eyes');

    const approved = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/approve`)
      .set('Authorization', as(PAT))
      .send({
        comment: 'Start at 100 GB, grow later',
        parameters: { storageGb: 100 },
      });
    expect(approved.status).toBe(200);
    expect(approved.body.gate).toMatchObject({
      status: 'approved',
      decidedBy: PAT,
      approvedParameters: { storageGb: 100, name: 'big-db' },
    });
    const approvedParameters = approved.body.gate.approvedParameters;

    // Nothing runs by itself with the golden-paths plugin's credentials: the
    // run waits for the requester.
    const waiting = await eventually('the approved run', async () => {
      const r = await run(task.id);
      return r?.status === 'approved' ? r : undefined;
    });
    expect(waiting.attempts).toBe(1);
    await new Promise(resolve => setTimeout(resolve, 1500));
    expect(repositories()).not.toContain('big-db.git');
    // The approval notification replaced the waiting one.
    const told = await notificationsOf(ALICE);
    expect(told.map(n => n.payload.title)).toContain(
      'Approved: your request for test-service',
    );
    expect(told.map(n => n.payload.title)).not.toContain(
      'Waiting for approval: your request for test-service',
    );

    // The scaffolder's retry of the task that waited does not run past
    // the gate: it ends there again.
    const retried = await request(backend.server)
      .post(`/api/scaffolder/v2/tasks/${task.id}/retry`)
      .set('Authorization', as(ALICE))
      .send({});
    expect(retried.status).toBe(201);
    const again = await waitForTask(backend.server, task.id, ALICE);
    expect(again.status).toBe('completed');
    expect(repositories()).not.toContain('big-db.git');

    // Only the requester continues it, and only with what was approved.
    const someoneElse = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: PAT,
      values: { ...approvedParameters, goldenGate: gate.id },
    });
    expect(someoneElse.status).toBe('failed');
    expect(failureOf(someoneElse)).toBe(
      `golden gate request ${gate.id} belongs to alice: only they can continue it, in a task they start themselves`,
    );
    const otherParameters = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { ...approvedParameters, storageGb: 250, goldenGate: gate.id },
    });
    expect(otherParameters.status).toBe('failed');
    expect(failureOf(otherParameters)).toBe(
      `golden gate request ${gate.id} was approved for other parameters (storageGb): continue it with the approved parameters`,
    );
    expect(repositories()).not.toContain('big-db.git');

    // The requester continues it: a new task of the same template, as
    // herself, with the approved parameters and the request's id.
    const continued = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { ...approvedParameters, goldenGate: gate.id },
    });
    expect(continued.status).toBe('completed');
    expect(continued.output.text[0].content).toBe(
      'Approved by pat: Start at 100 GB, grow later',
    );
    const component = await entity('component:default/big-db');
    expect(component.metadata.annotations['example.com/storage-gb']).toBe(
      '100',
    );

    // Once: a second continuation is refused and publishes nothing.
    const twice = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { ...approvedParameters, goldenGate: gate.id },
    });
    expect(twice.status).toBe('failed');
    expect(failureOf(twice)).toBe(
      `golden gate request ${gate.id} was already continued by task ${continued.id}`,
    );
    expect(repositories().filter(r => r.startsWith('big-db'))).toEqual([
      'big-db.git',
    ]);

    const audit = await request(backend.server)
      .get(`/api/golden-paths/gates/${gate.id}/audit`)
      .set('Authorization', as(ALICE));
    expect(audit.body.items.map((e: any) => [e.action, e.actor])).toEqual([
      ['requested', ALICE],
      ['approved', PAT],
      ['continued', ALICE],
    ]);
    expect(audit.body.items[1].changes).toEqual({
      storageGb: { from: 250, to: 100 },
    });
    expect(audit.body.items[2].comment).toBe(
      `continued as task ${continued.id}`,
    );

    // The run that waited is continued (neither completed nor failed); the
    // new one is the completion, with its own provisioning time.
    const recorded = await eventually('the continued run', async () => {
      const r = await run(continued.id);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(recorded).toMatchObject({
      attempts: 1,
      gateId: gate.id,
      continuesTaskId: task.id,
    });
    expect(recorded.durationMs).toBeGreaterThan(0);
    const original = await eventually('the original run', async () => {
      const r = await run(task.id);
      return r?.status === 'continued' ? r : undefined;
    });
    expect(original).toMatchObject({
      gateId: gate.id,
      continuedTaskId: continued.id,
    });
    expect(original.durationMs).toBeUndefined();

    // Decisions are final.
    const decidedAgain = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/reject`)
      .set('Authorization', as(PAT))
      .send({ comment: 'changed my mind' });
    expect(decidedAgain.status).toBe(409);
  });

  it('a rejection tells the requester why and creates nothing', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: {
        name: 'huge-db',
        owner: 'group:default/team-a',
        storageGb: 900,
      },
    });
    const { body } = await request(backend.server)
      .get('/api/golden-paths/gates')
      .query({ status: 'pending' })
      .set('Authorization', as(PAT));
    const gate = body.items.find((g: any) => g.taskId === task.id);
    const noComment = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/reject`)
      .set('Authorization', as(PAT))
      .send({});
    expect(noComment.status).toBe(400);
    const rejected = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/reject`)
      .set('Authorization', as(PAT))
      .send({ comment: 'Use the shared analytics cluster instead' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: PAT });
    const told = await notificationsOf(ALICE);
    expect(told.map(n => n.payload.description)).toContain(
      'pat rejected it: Use the shared analytics cluster instead',
    );
    expect(repositories()).not.toContain('huge-db.git');
    await eventually('the rejected run', async () =>
      (await run(task.id))?.status === 'rejected' ? true : undefined,
    );
    // A rejected request cannot be continued.
    const continued = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { ...gate.parameters, goldenGate: gate.id },
    });
    expect(continued.status).toBe('failed');
    expect(failureOf(continued)).toBe(
      `golden gate request ${gate.id} was rejected by pat: Use the shared analytics cluster instead`,
    );
    expect(repositories()).not.toContain('huge-db.git');
  });

  it('approved parameters that break a rule are refused', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: TEMPLATE,
      user: ALICE,
      values: { name: 'mid-db', owner: 'group:default/team-a', storageGb: 200 },
    });
    const { body } = await request(backend.server)
      .get('/api/golden-paths/gates')
      .query({ status: 'pending' })
      .set('Authorization', as(PAT));
    const gate = body.items.find((g: any) => g.taskId === task.id);
    const res = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/approve`)
      .set('Authorization', as(PAT))
      .send({ parameters: { storageGb: 5000 } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('Databases are at most 1000 GB');
    const unknown = await request(backend.server)
      .post(`/api/golden-paths/gates/${gate.id}/approve`)
      .set('Authorization', as(PAT))
      .send({ parameters: { replicas: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'parameter "replicas" is not part of the request',
    );
  });
});

describe('failed runs', () => {
  it('a retry continues after the repository was created, without a second one', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/retry-service',
      user: ALICE,
      values: { name: 'retry-api', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('failed');
    expect(repositories()).toContain('retry-api.git');
    const head = execFileSync(
      'git',
      [
        `--git-dir=${path.join(backend.reposDir, 'retry-api.git')}`,
        'rev-parse',
        'HEAD',
      ],
      { encoding: 'utf8' },
    );
    const failed = await eventually('the failed run', async () => {
      const r = await run(task.id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(failed.failedStep).toBe('Fetch extra files');

    // The missing input appears; the requester retries.
    fs.mkdirSync(path.join(fixtures, 'retry-path/extra-retry-api'));
    fs.writeFileSync(
      path.join(fixtures, 'retry-path/extra-retry-api/notes.md'),
      '# Notes\n',
    );
    const retry = await request(backend.server)
      .post(`/api/scaffolder/v2/tasks/${task.id}/retry`)
      .set('Authorization', as(ALICE))
      .send({});
    expect(retry.status).toBe(201);
    const done = await waitForTask(backend.server, task.id, ALICE);
    expect(done.status).toBe('completed');
    expect(done.output.links[0].entityRef).toBe('component:default/retry-api');
    expect(repositories().filter(r => r.startsWith('retry-api'))).toEqual([
      'retry-api.git',
    ]);
    expect(
      execFileSync(
        'git',
        [
          `--git-dir=${path.join(backend.reposDir, 'retry-api.git')}`,
          'rev-parse',
          'HEAD',
        ],
        { encoding: 'utf8' },
      ),
    ).toBe(head);
    const recorded = await eventually('the retried run', async () => {
      const r = await run(task.id);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(recorded.attempts).toBe(2);
  });
});

describe('template versions and drift', () => {
  it('counts components per template version and lists those behind the newest', async () => {
    // A component made by an older version of the template, pushed by hand.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-'));
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    fs.writeFileSync(
      path.join(work, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: legacy-api',
        '  annotations:',
        `    portal.dev/template: ${TEMPLATE}`,
        '    portal.dev/template-version: "1.4.0"',
        'spec: { type: service, lifecycle: production, owner: group:default/team-a }',
        // The API it provides carries the same annotations; it is not a
        // second component of the template.
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata:',
        '  name: legacy-api-http',
        '  annotations:',
        `    portal.dev/template: ${TEMPLATE}`,
        '    portal.dev/template-version: "1.4.0"',
        'spec: { type: openapi, lifecycle: production, owner: group:default/team-a, definition: "openapi: 3.0.0" }',
      ].join('\n'),
    );
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q'], {
      cwd: work,
      env,
    });
    execFileSync('git', ['add', '-A'], { cwd: work, env });
    execFileSync('git', ['commit', '-qm', 'legacy'], { cwd: work, env });
    execFileSync(
      'git',
      [
        'clone',
        '-q',
        '--bare',
        work,
        path.join(backend.reposDir, 'legacy-api.git'),
      ],
      { env },
    );
    fs.rmSync(work, { recursive: true, force: true });
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as(ALICE))
      .send({ repository: 'legacy-api' });
    expect(rescan.status).toBe(200);
    await eventually('the legacy component', async () =>
      entity('component:default/legacy-api'),
    );

    const res = await request(backend.server)
      .get('/api/golden-paths/templates/versions')
      .set('Authorization', as(ALICE));
    expect(res.status).toBe(200);
    const summary = res.body.items.find((t: any) => t.templateRef === TEMPLATE);
    expect(summary.latestVersion).toBe('2.1.0');
    expect(summary.title).toBe('Test service');
    // orders-api, after-gate and big-db were made with 2.1.0 above.
    expect(summary.versions).toEqual([
      { version: '2.1.0', components: 3 },
      { version: '1.4.0', components: 1 },
    ]);
    expect(summary.behind).toEqual([
      {
        entityRef: 'component:default/legacy-api',
        version: '1.4.0',
        owner: 'group:default/team-a',
      },
    ]);
  });
});
