import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { GoldenPathsClient } from './GoldenPathsClient';

const base = 'http://backend.test/api';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

const errorBody = (name: string, message: string, statusCode: number) =>
  json(
    {
      error: { name, message },
      request: { method: 'POST', url: '/x' },
      response: { statusCode },
    },
    statusCode,
  );

/** A client over Backstage's mock fetch API, answering from a queue. */
function setup(...responses: Response[]) {
  const baseImplementation = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => {
      const next = responses.shift();
      if (!next) throw new Error('unexpected request');
      return next;
    },
  );
  const client = new GoldenPathsClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
    fetchApi: mockApis.fetch({ baseImplementation }),
  });
  const call = (i = 0) => {
    const [input, init] = baseImplementation.mock.calls[i];
    return {
      url: String(input),
      method: init?.method ?? 'GET',
      contentType: new Headers(init?.headers).get('content-type'),
      body:
        init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
  };
  return { client, baseImplementation, call };
}

describe('GoldenPathsClient', () => {
  it.each([
    [
      'pending gates',
      (c: GoldenPathsClient) => c.listGates({ status: 'pending' }),
      { items: [{ id: 'g1' }], canReview: true },
      `${base}/golden-paths/gates?status=pending`,
      { items: [{ id: 'g1' }], canReview: true },
    ],
    [
      'my gates, limited',
      (c: GoldenPathsClient) => c.listGates({ mine: true, limit: 5 }),
      { items: [], canReview: false },
      `${base}/golden-paths/gates?mine=true&limit=5`,
      { items: [], canReview: false },
    ],
    [
      'one gate (id encoded)',
      (c: GoldenPathsClient) => c.getGate('a/b'),
      { id: 'a/b' },
      `${base}/golden-paths/gates/a%2Fb`,
      { id: 'a/b' },
    ],
    [
      'the audit trail of a gate',
      (c: GoldenPathsClient) => c.getGateAudit('g1'),
      { items: [{ id: 1, action: 'requested' }] },
      `${base}/golden-paths/gates/g1/audit`,
      [{ id: 1, action: 'requested' }],
    ],
    [
      'my runs of a template',
      (c: GoldenPathsClient) =>
        c.listRuns({
          mine: true,
          templateRef: 'template:default/x',
          limit: 100,
        }),
      { items: [{ taskId: 't' }] },
      `${base}/golden-paths/runs?mine=true&templateRef=template%3Adefault%2Fx&limit=100`,
      [{ taskId: 't' }],
    ],
    [
      'every run',
      (c: GoldenPathsClient) => c.listRuns(),
      { items: [] },
      `${base}/golden-paths/runs`,
      [],
    ],
    [
      'gate metrics of a window',
      (c: GoldenPathsClient) =>
        c.getGateMetrics({
          from: new Date('2026-11-01T00:00:00.000Z'),
          to: new Date('2026-11-29T00:00:00.000Z'),
        }),
      { requested: 3 },
      `${base}/golden-paths/metrics/gates?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-29T00%3A00%3A00.000Z`,
      { requested: 3 },
    ],
    [
      'template versions',
      (c: GoldenPathsClient) => c.getTemplateVersions(),
      { items: [{ templateRef: 'template:default/x' }] },
      `${base}/golden-paths/templates/versions`,
      [{ templateRef: 'template:default/x' }],
    ],
    [
      'the upgrade proposals of a service in a state, limited',
      (c: GoldenPathsClient) =>
        c.listUpgrades({
          entityRef: 'component:default/orders-api',
          state: 'open',
          limit: 5,
        }),
      { items: [{ id: 'u1' }] },
      `${base}/golden-paths/upgrades?entityRef=component%3Adefault%2Forders-api&state=open&limit=5`,
      [{ id: 'u1' }],
    ],
    [
      'the upgrade proposals of a template',
      (c: GoldenPathsClient) =>
        c.listUpgrades({ templateRef: 'template:default/x' }),
      { items: [] },
      `${base}/golden-paths/upgrades?templateRef=template%3Adefault%2Fx`,
      [],
    ],
    [
      'every upgrade proposal',
      (c: GoldenPathsClient) => c.listUpgrades(),
      { items: [] },
      `${base}/golden-paths/upgrades`,
      [],
    ],
    [
      'upgrade metrics of a window',
      (c: GoldenPathsClient) =>
        c.upgradeMetrics({
          from: new Date('2026-09-01T00:00:00.000Z'),
          to: new Date('2026-11-30T00:00:00.000Z'),
        }),
      { opened: 4 },
      `${base}/golden-paths/metrics/upgrades?from=2026-09-01T00%3A00%3A00.000Z&to=2026-11-30T00%3A00%3A00.000Z`,
      { opened: 4 },
    ],
    [
      "upgrade metrics of the backend's default window",
      (c: GoldenPathsClient) => c.upgradeMetrics(),
      { opened: 0 },
      `${base}/golden-paths/metrics/upgrades`,
      { opened: 0 },
    ],
  ])('GETs %s', async (_name, invoke, body, url, expected) => {
    const { client, baseImplementation, call } = setup(json(body));
    await expect(invoke(client)).resolves.toEqual(expected);
    expect(baseImplementation).toHaveBeenCalledTimes(1);
    expect(call().url).toBe(url);
    expect(call().method).toBe('GET');
  });

  it.each([
    [
      'a policy evaluation',
      (c: GoldenPathsClient) =>
        c.evaluatePolicy({
          template: 'postgres-database',
          parameters: { storageGb: 250 },
        }),
      `${base}/golden-paths/policy/evaluate`,
      { template: 'postgres-database', parameters: { storageGb: 250 } },
    ],
    [
      'an approval with changed parameters',
      (c: GoldenPathsClient) =>
        c.approveGate('g1', { comment: 'ok', parameters: { storageGb: 100 } }),
      `${base}/golden-paths/gates/g1/approve`,
      { comment: 'ok', parameters: { storageGb: 100 } },
    ],
    [
      'an approval as requested',
      (c: GoldenPathsClient) => c.approveGate('g1', {}),
      `${base}/golden-paths/gates/g1/approve`,
      {},
    ],
    [
      'a rejection',
      (c: GoldenPathsClient) => c.rejectGate('g1', { comment: 'too big' }),
      `${base}/golden-paths/gates/g1/reject`,
      { comment: 'too big' },
    ],
    [
      'the upgrade proposal of one service',
      (c: GoldenPathsClient) =>
        c.proposeUpgrade('component:default/orders-api'),
      `${base}/golden-paths/upgrades`,
      { entityRef: 'component:default/orders-api' },
    ],
    [
      'the upgrade proposals of every service of a template',
      (c: GoldenPathsClient) =>
        c.proposeUpgrades('template:default/typescript-service'),
      `${base}/golden-paths/upgrades`,
      { templateRef: 'template:default/typescript-service' },
    ],
    [
      'a refresh of the upgrade states',
      (c: GoldenPathsClient) => c.refreshUpgrades(),
      `${base}/golden-paths/upgrades/refresh`,
      {},
    ],
  ])('POSTs %s as JSON', async (_name, invoke, url, body) => {
    const { client, call } = setup(json({ answer: true }));
    await expect(invoke(client)).resolves.toEqual({ answer: true });
    expect(call()).toEqual({
      url,
      method: 'POST',
      contentType: 'application/json',
      body,
    });
  });

  it("retries a task through the scaffolder's own API", async () => {
    const { client, call } = setup(json({ id: 'task-11' }, 201));
    await expect(client.retryRun('task-11')).resolves.toBeUndefined();
    expect(call()).toEqual({
      url: `${base}/scaffolder/v2/tasks/task-11/retry`,
      method: 'POST',
      contentType: 'application/json',
      body: {},
    });
  });

  it('continues an approved request as a new task of its template, as the user', async () => {
    const { client, call } = setup(
      json({
        id: 'g3',
        taskId: 'task-3',
        templateRef: 'template:default/postgres-database',
        requester: 'user:default/alice',
        parameters: { name: 'ledger-db', storageGb: 250 },
        approvedParameters: { name: 'ledger-db', storageGb: 100 },
        reasons: [],
        status: 'approved',
        createdAt: '2026-12-07T06:28:00.000Z',
      }),
      json({ id: 'task-30' }, 201),
    );
    await expect(client.continueGate('g3')).resolves.toEqual({
      taskId: 'task-30',
    });
    expect(call(0)).toMatchObject({
      url: `${base}/golden-paths/gates/g3`,
      method: 'GET',
    });
    expect(call(1)).toEqual({
      url: `${base}/scaffolder/v2/tasks`,
      method: 'POST',
      contentType: 'application/json',
      body: {
        templateRef: 'template:default/postgres-database',
        values: { name: 'ledger-db', storageGb: 100, goldenGate: 'g3' },
      },
    });
  });

  it('starts no task for a request that is not approved', async () => {
    const { client, call } = setup(
      json({
        id: 'g2',
        taskId: 'task-2',
        templateRef: 'template:default/postgres-database',
        requester: 'user:default/alice',
        parameters: { name: 'billing-db', storageGb: 500 },
        reasons: [],
        status: 'pending',
        createdAt: '2026-12-07T06:28:00.000Z',
      }),
    );
    await expect(client.continueGate('g2')).rejects.toThrow(
      'golden gate request g2 is pending: only an approved request can be continued',
    );
    expect(call(0).url).toBe(`${base}/golden-paths/gates/g2`);
  });

  it("throws a ResponseError with the server's message when an approval breaks the policy", async () => {
    const { client } = setup(
      errorBody(
        'InputError',
        'the approved parameters break the organisation policy: Databases are between 1 and 1000 GB',
        400,
      ),
    );
    const error = await client
      .approveGate('g1', { parameters: { storageGb: 5000 } })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'the approved parameters break the organisation policy: Databases are between 1 and 1000 GB',
    );
  });

  it('throws a 403 ResponseError when a non-reviewer lists every gate', async () => {
    const { client } = setup(
      errorBody(
        'NotAllowedError',
        'only reviewers of golden gates see every request',
        403,
      ),
    );
    await expect(client.listGates({ status: 'pending' })).rejects.toMatchObject(
      { name: 'ResponseError', statusCode: 403 },
    );
  });

  it('returns a proposal that could not be made (200, state failed) as it is', async () => {
    const failed = {
      id: 'u9',
      entityRef: 'component:default/legacy-api',
      state: 'failed',
      error: 'the repository legacy-api could not be cloned',
    };
    const { client } = setup(json(failed, 200));
    await expect(
      client.proposeUpgrade('component:default/legacy-api'),
    ).resolves.toEqual(failed);
  });

  it('throws a 403 ResponseError when the user may not propose upgrades', async () => {
    const { client } = setup(
      errorBody(
        'NotAllowedError',
        'you may not propose template upgrades',
        403,
      ),
    );
    await expect(
      client.proposeUpgrades('template:default/x'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: expect.objectContaining({
        message: 'you may not propose template upgrades',
      }),
    });
  });

  it('throws when the scaffolder refuses a retry', async () => {
    const { client } = setup(
      errorBody('ConflictError', 'task task-11 is not failed', 409),
    );
    await expect(client.retryRun('task-11')).rejects.toMatchObject({
      statusCode: 409,
      cause: expect.objectContaining({ message: 'task task-11 is not failed' }),
    });
  });
});
