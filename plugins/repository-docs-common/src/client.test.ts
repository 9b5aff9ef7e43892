import { ResponseError } from '@backstage/errors';
import { RepositoryDocsClient } from './client';

const baseUrl = 'http://backend.test/api/catalog';

function client(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const discoveryApi = {
    getBaseUrl: async (pluginId: string) =>
      pluginId === 'catalog' ? baseUrl : 'http://wrong.test',
  };
  return {
    fetch,
    client: new RepositoryDocsClient({
      discoveryApi,
      fetchApi: { fetch } as any,
    }),
  };
}

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json' },
  });

describe('RepositoryDocsClient', () => {
  it.each([
    [
      'docs of an entity',
      (c: RepositoryDocsClient) => c.getEntityDocs('component:default/x'),
      `${baseUrl}/ingestion/docs?entityRef=component%3Adefault%2Fx`,
    ],
    [
      'one docs file',
      (c: RepositoryDocsClient) =>
        c.getDocsFile('component:default/x', 'docs/run book.md'),
      `${baseUrl}/ingestion/docs/file?entityRef=component%3Adefault%2Fx&path=docs%2Frun+book.md`,
    ],
    [
      'the entities with docs',
      (c: RepositoryDocsClient) => c.listEntitiesWithDocs(),
      `${baseUrl}/ingestion/docs/entities`,
    ],
    [
      'a page of the index',
      (c: RepositoryDocsClient) => c.listDocsIndex({ offset: 100, limit: 50 }),
      `${baseUrl}/ingestion/docs/index?offset=100&limit=50`,
    ],
  ])('asks the catalog backend for %s', async (_what, call, url) => {
    const { fetch, client: c } = client(ok({ items: [] }));
    await expect(call(c)).resolves.toEqual({ items: [] });
    expect(fetch.mock.calls.map(([u]) => u)).toEqual([url]);
  });

  it('fetches a docs asset as a blob, with a token when given', async () => {
    const { fetch, client: c } = client(
      new Response('<svg/>', { headers: { 'Content-Type': 'image/svg+xml' } }),
    );
    const blob = await c.getDocsAsset(
      'component:default/x',
      'docs/img/arch.svg',
      { token: 't' },
    );
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/ingestion/docs/asset?entityRef=component%3Adefault%2Fx&path=docs%2Fimg%2Farch.svg`,
    );
    expect(fetch.mock.calls[0][1]?.headers).toEqual({
      authorization: 'Bearer t',
    });
    expect(blob.type).toBe('image/svg+xml');
    expect(await blob.text()).toBe('<svg/>');
  });

  it('throws the answer of a failed request', async () => {
    const { client: c } = client(
      new Response(
        JSON.stringify({ error: { name: 'NotFoundError', message: 'no' } }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await expect(
      c.getDocsAsset('component:default/x', 'a.png'),
    ).rejects.toBeInstanceOf(ResponseError);
  });
});
