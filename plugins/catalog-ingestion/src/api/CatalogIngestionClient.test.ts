import { ResponseError } from '@backstage/errors';
import { CatalogIngestionClient } from './CatalogIngestionClient';

const baseUrl = 'http://backend.test/api/catalog';

/** A fetch API of our own that records requests and answers from a queue. */
function fakeFetchApi(...responses: Response[]) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  return {
    calls,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(input), init });
      const next = responses.shift();
      if (!next) throw new Error(`unexpected request ${String(input)}`);
      return next;
    },
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

function clientWith(fetchApi: ReturnType<typeof fakeFetchApi>) {
  const discoveryApi = {
    getBaseUrl: jest.fn(async (pluginId: string) =>
      pluginId === 'catalog' ? baseUrl : 'http://wrong.test',
    ),
  };
  return new CatalogIngestionClient({ discoveryApi, fetchApi });
}

describe('CatalogIngestionClient', () => {
  it.each([
    [
      'sources',
      (c: CatalogIngestionClient) => c.getSources(),
      [{ id: 'local' }],
      `${baseUrl}/ingestion/sources`,
      [{ id: 'local' }],
    ],
    [
      'runs of a source, limited',
      (c: CatalogIngestionClient) => c.getRuns({ source: 'gh', limit: 20 }),
      { items: [{ id: '7' }] },
      `${baseUrl}/ingestion/runs?source=gh&limit=20`,
      [{ id: '7' }],
    ],
    [
      'runs without filters',
      (c: CatalogIngestionClient) => c.getRuns(),
      { items: [] },
      `${baseUrl}/ingestion/runs`,
      [],
    ],
    [
      'problems of an entity (ref encoded)',
      (c: CatalogIngestionClient) =>
        c.getProblems({ entityRef: 'component:default/a b' }),
      { items: [{ message: 'bad' }] },
      `${baseUrl}/ingestion/problems?entityRef=component%3Adefault%2Fa+b`,
      [{ message: 'bad' }],
    ],
    [
      'problems of a repository',
      (c: CatalogIngestionClient) =>
        c.getProblems({ source: 'gh', repository: 'payments' }),
      { items: [] },
      `${baseUrl}/ingestion/problems?source=gh&repository=payments`,
      [],
    ],
    [
      'health',
      (c: CatalogIngestionClient) => c.getHealth(),
      { runs: 3 },
      `${baseUrl}/ingestion/health`,
      { runs: 3 },
    ],
  ])('GETs %s', async (_name, call, body, url, expected) => {
    const fetchApi = fakeFetchApi(json(body));
    await expect(call(clientWith(fetchApi))).resolves.toEqual(expected);
    expect(fetchApi.calls).toHaveLength(1);
    expect(fetchApi.calls[0].url).toBe(url);
    expect(fetchApi.calls[0].init?.method ?? 'GET').toBe('GET');
  });

  it('POSTs a rescan of one source as JSON', async () => {
    const fetchApi = fakeFetchApi(json({ runs: [{ id: '9' }] }));
    await expect(
      clientWith(fetchApi).rescan({ source: 'gh' }),
    ).resolves.toEqual({ runs: [{ id: '9' }] });
    const [{ url, init }] = fetchApi.calls;
    expect(url).toBe(`${baseUrl}/ingestion/rescan`);
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual({ source: 'gh' });
  });

  it('throws a ResponseError carrying the server error on a 500', async () => {
    const fetchApi = fakeFetchApi(
      json(
        {
          error: { name: 'Error', message: 'database is gone' },
          request: { method: 'GET', url: '/ingestion/sources' },
          response: { statusCode: 500 },
        },
        500,
      ),
    );
    const error = await clientWith(fetchApi)
      .getSources()
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(error.cause.message).toBe('database is gone');
  });

  it('throws a ResponseError when a rescan is refused', async () => {
    const fetchApi = fakeFetchApi(
      json(
        {
          error: { name: 'NotFoundError', message: 'no ingestion source "x"' },
          request: { method: 'POST', url: '/ingestion/rescan' },
          response: { statusCode: 404 },
        },
        404,
      ),
    );
    await expect(
      clientWith(fetchApi).rescan({ source: 'x' }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
  });
});
