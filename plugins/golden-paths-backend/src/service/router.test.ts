import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import goldenPathsPlugin from '../index';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

async function start(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const knex = await databases.init('POSTGRES_15');
  const { server } = await startTestBackend({
    features: [
      goldenPathsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({ result }),
      // Requests without a token are anonymous (the test default is a user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });
  // A gate request as the scaffolder opens it (only services may).
  await knex('golden_gate_requests').insert({
    task_id: 'task-1',
    template_ref: 'template:default/postgres-database',
    requester: 'user:default/alice',
    parameters: JSON.stringify({ storageGb: 250 }),
    reasons: JSON.stringify([]),
    status: 'pending',
    created_at: new Date(),
  });
  const { id } = await knex('golden_gate_requests').first('id');
  return { server, knex, gateId: String(id) };
}

describe('golden-paths router without the review permission', () => {
  it('refuses anonymous calls on every route', async () => {
    const { server, gateId } = await start(AuthorizeResult.DENY);
    for (const [method, path] of [
      ['get', '/api/golden-paths/gates?mine=true'],
      ['get', `/api/golden-paths/gates/${gateId}`],
      ['get', '/api/golden-paths/runs'],
      ['get', '/api/golden-paths/templates/versions'],
      ['get', '/api/golden-paths/metrics/gates'],
      ['post', `/api/golden-paths/gates/${gateId}/approve`],
      ['post', '/api/golden-paths/policy/evaluate'],
      ['post', '/api/golden-paths/checks'],
    ] as const) {
      const res = await request(server)[method](path).send({});
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
  });

  it('a requester sees their own request but cannot decide or see the queue', async () => {
    const { server, gateId } = await start(AuthorizeResult.DENY);
    const alice = mockCredentials.user.header('user:default/alice');
    const bob = mockCredentials.user.header('user:default/bob');

    const mine = await request(server)
      .get('/api/golden-paths/gates?mine=true')
      .set('Authorization', alice);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      canReview: false,
      items: [{ id: gateId }],
    });

    const queue = await request(server)
      .get('/api/golden-paths/gates?status=pending')
      .set('Authorization', alice);
    expect(queue.status).toBe(403);

    expect(
      (
        await request(server)
          .get(`/api/golden-paths/gates/${gateId}`)
          .set('Authorization', alice)
      ).status,
    ).toBe(200);
    expect(
      (
        await request(server)
          .get(`/api/golden-paths/gates/${gateId}`)
          .set('Authorization', bob)
      ).status,
    ).toBe(403);

    const approve = await request(server)
      .post(`/api/golden-paths/gates/${gateId}/approve`)
      .set('Authorization', alice)
      .send({});
    expect(approve.status).toBe(403);
    const reject = await request(server)
      .post(`/api/golden-paths/gates/${gateId}/reject`)
      .set('Authorization', alice)
      .send({ comment: 'no' });
    expect(reject.status).toBe(403);
  });

  it('only backend plugins may open gates', async () => {
    const { server } = await start(AuthorizeResult.DENY);
    const res = await request(server)
      .post('/api/golden-paths/checks')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ taskId: 't', templateRef: 'template:default/x', parameters: {} });
    expect(res.status).toBe(403);
  });
});

describe('golden-paths router input', () => {
  it.each([
    [{ template: 'x' }, 'parameters'],
    [{ template: 'x', parameters: {}, extra: 1 }, 'extra'],
    [{ template: '', parameters: {} }, 'template'],
  ])('rejects a malformed policy request %j naming %s', async (body, where) => {
    const { server } = await start(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post('/api/golden-paths/policy/evaluate')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(where);
  });

  it('answers hostile parameters with problems, not a crash', async () => {
    const { server } = await start(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post('/api/golden-paths/policy/evaluate')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({
        template: 'typescript-service',
        parameters: { name: '../../x' },
      });
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual(['name contains a ".." path segment']);
  });

  it('refuses oversized bodies and bad ids', async () => {
    const { server } = await start(AuthorizeResult.ALLOW);
    const alice = mockCredentials.user.header('user:default/alice');
    const big = await request(server)
      .post('/api/golden-paths/policy/evaluate')
      .set('Authorization', alice)
      .send({ template: 'x', parameters: { d: 'x'.repeat(200_000) } });
    expect(big.status).toBe(413);
    const missing = await request(server)
      .get('/api/golden-paths/gates/99999')
      .set('Authorization', alice);
    expect(missing.status).toBe(404);
    const bad = await request(server)
      .get("/api/golden-paths/gates/1'%20or%201=1")
      .set('Authorization', alice);
    expect(bad.status).toBe(404);
    const limit = await request(server)
      .get('/api/golden-paths/runs?limit=100000')
      .set('Authorization', alice);
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toMatch(/^invalid limit: /);
    const from = await request(server)
      .get('/api/golden-paths/metrics/gates?from=yesterday')
      .set('Authorization', alice);
    expect(from.status).toBe(400);
    expect(from.body.error.message).toBe(
      'invalid from: must be an ISO 8601 date',
    );
    const metrics = await request(server)
      .get('/api/golden-paths/metrics/gates')
      .set('Authorization', alice);
    expect(metrics.body).toMatchObject({
      requested: 1,
      pending: 1,
      approved: 0,
    });
  });
});
