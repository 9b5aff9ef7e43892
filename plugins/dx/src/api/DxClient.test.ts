import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { DxClient } from './DxClient';

const base = 'http://backend.test/api/dx';
const from = new Date('2026-11-01T00:00:00.000Z');
const to = new Date('2026-12-01T00:00:00.000Z');
const range = `from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z`;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

/** A client over Backstage's mock fetch API, recording requests and answering from a queue. */
function setup(...responses: Response[]) {
  const baseImplementation = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => {
      const next = responses.shift();
      if (!next) throw new Error('unexpected request');
      return next;
    },
  );
  const client = new DxClient({
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
  return { client, call, calls: () => baseImplementation.mock.calls.length };
}

describe('DxClient', () => {
  it.each([
    [
      'DORA of the organisation with rows',
      (c: DxClient) =>
        c.getDora({ from, to, timeZone: 'Europe/Berlin', rows: true }),
      { level: 'high' },
      `${base}/metrics/dora?${range}&tz=Europe%2FBerlin&rows=true`,
      { level: 'high' },
    ],
    [
      'DORA of a team',
      (c: DxClient) => c.getDora({ owner: 'group:default/team-a', from, to }),
      { level: 'low' },
      `${base}/metrics/dora?owner=group%3Adefault%2Fteam-a&${range}`,
      { level: 'low' },
    ],
    [
      'DORA of an entity (the entity wins over an owner)',
      (c: DxClient) =>
        c.getDora({
          entityRef: 'component:default/checkout',
          owner: 'group:default/team-a',
          from,
          to,
        }),
      { level: null },
      `${base}/metrics/dora?entityRef=component%3Adefault%2Fcheckout&${range}`,
      { level: null },
    ],
    [
      'golden paths versus the rest',
      (c: DxClient) => c.getGoldenPaths({ from, to }),
      { from: 'x' },
      `${base}/metrics/golden-paths?${range}`,
      { from: 'x' },
    ],
    [
      'adoption of a team with rows',
      (c: DxClient) =>
        c.getAdoption({ owner: 'group:default/team-a', from, to, rows: true }),
      { components: 3 },
      `${base}/metrics/adoption?owner=group%3Adefault%2Fteam-a&${range}&rows=true`,
      { components: 3 },
    ],
    [
      'onboarding of the organisation',
      (c: DxClient) => c.getOnboarding({ from, to }),
      { users: 2 },
      `${base}/metrics/onboarding?${range}`,
      { users: 2 },
    ],
    [
      "an entity's scorecards",
      (c: DxClient) => c.getEntityScorecards('component:default/checkout'),
      { items: [{ scorecardId: 's' }] },
      `${base}/scorecards/entity?entityRef=component%3Adefault%2Fcheckout`,
      [{ scorecardId: 's' }],
    ],
    [
      'the scorecard roll-up of a team',
      (c: DxClient) =>
        c.getScorecardRollup({ owner: 'group:default/team-a', from, to }),
      { items: [] },
      `${base}/scorecards/rollup?owner=group%3Adefault%2Fteam-a&${range}`,
      { items: [] },
    ],
    [
      "an entity's incidents",
      (c: DxClient) =>
        c.listEvents({
          entityRef: 'component:default/checkout',
          kind: 'incident',
          from,
          to,
          limit: 20,
        }),
      { items: [{ id: '1' }] },
      `${base}/events?entityRef=component%3Adefault%2Fcheckout&kind=incident&${range}&limit=20`,
      [{ id: '1' }],
    ],
    [
      'the unmapped events',
      (c: DxClient) => c.getUnmappedEvents(),
      { reasons: [{ reason: 'r', kind: 'deployment', events: 2 }] },
      `${base}/events/unmapped`,
      [{ reason: 'r', kind: 'deployment', events: 2 }],
    ],
    [
      'the surveys',
      (c: DxClient) => c.listSurveys(),
      { items: [], minGroupSize: 5 },
      `${base}/surveys`,
      { items: [], minGroupSize: 5 },
    ],
    [
      "a survey's results (id encoded)",
      (c: DxClient) =>
        c.getSurveyResults('q/1', {
          owner: 'group:default/team-a',
          period: '2026-Q4',
        }),
      { hidden: true },
      `${base}/surveys/q%2F1/results?owner=group%3Adefault%2Fteam-a&period=2026-Q4`,
      { hidden: true },
    ],
  ])('GETs %s', async (_name, invoke, body, url, expected) => {
    const { client, call } = setup(json(body));
    await expect(invoke(client)).resolves.toEqual(expected);
    expect(call()).toEqual({
      url,
      method: 'GET',
      contentType: null,
      body: undefined,
    });
  });

  it('GETs the CSV as text, without rows, and gives its URL', async () => {
    const { client, call, calls } = setup(
      new Response('metric,current\n', {
        headers: { 'Content-Type': 'text/csv' },
      }),
    );
    const query = { owner: 'group:default/team-a', from, to, rows: true };
    await expect(client.getDoraCsv(query)).resolves.toBe('metric,current\n');
    const url = `${base}/metrics/dora.csv?owner=group%3Adefault%2Fteam-a&${range}`;
    expect(call().url).toBe(url);
    await expect(client.getDoraCsvUrl(query)).resolves.toBe(url);
    expect(calls()).toBe(1);
  });

  it('GETs any CSV of the API with its parameters, and gives its URL', async () => {
    const { client, call } = setup(
      new Response('question,type\n', {
        headers: { 'Content-Type': 'text/csv' },
      }),
    );
    const query = { owner: 'group:default/team-a', from: undefined };
    await expect(
      client.getCsv('/surveys/developer-experience/results.csv', query),
    ).resolves.toBe('question,type\n');
    const url = `${base}/surveys/developer-experience/results.csv?owner=group%3Adefault%2Fteam-a`;
    expect(call().url).toBe(url);
    await expect(
      client.getCsvUrl('/surveys/developer-experience/results.csv', query),
    ).resolves.toBe(url);
  });

  it('POSTs a survey response with its taskId', async () => {
    const { client, call } = setup(new Response(null, { status: 201 }));
    await expect(
      client.submitSurveyResponse('golden-path', {
        answers: { ease: 4 },
        taskId: 'task-1',
      }),
    ).resolves.toBeUndefined();
    expect(call()).toEqual({
      url: `${base}/surveys/golden-path/responses`,
      method: 'POST',
      contentType: 'application/json',
      body: { answers: { ease: 4 }, taskId: 'task-1' },
    });
  });

  it("throws a ResponseError with the server's message", async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'InputError',
            message: 'tz: Mars/Base is not an IANA time zone',
          },
          request: { method: 'GET', url: '/metrics/dora' },
          response: { statusCode: 400 },
        },
        400,
      ),
    );
    const error = await client
      .getDora({ from, to, timeZone: 'Mars/Base' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('tz: Mars/Base is not an IANA time zone');
  });
});
