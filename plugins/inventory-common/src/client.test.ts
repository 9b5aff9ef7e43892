import { ResponseError } from '@backstage/errors';
import { InventoryClient } from './client';

const baseUrl = 'http://backend.test/api/catalog';

function client(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const discoveryApi = {
    getBaseUrl: async (pluginId: string) =>
      pluginId === 'catalog' ? baseUrl : 'http://wrong.test',
  };
  return {
    fetch,
    client: new InventoryClient({ discoveryApi, fetchApi: { fetch } as any }),
  };
}

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json' },
  });

describe('InventoryClient', () => {
  it.each([
    [
      'dependencies of an entity',
      (c: InventoryClient) =>
        c.getEntityDependencies('component:default/payments'),
      `${baseUrl}/ingestion/dependencies/entity?entityRef=component%3Adefault%2Fpayments`,
    ],
    [
      'package usages with a range',
      (c: InventoryClient) =>
        c.listPackageUsages({ package: 'pkg:npm/lodash', range: '<4.17.21' }),
      `${baseUrl}/ingestion/dependencies/usages?package=pkg%3Anpm%2Flodash&range=%3C4.17.21`,
    ],
    [
      'package usages without a range',
      (c: InventoryClient) => c.listPackageUsages({ package: 'lodash' }),
      `${baseUrl}/ingestion/dependencies/usages?package=lodash`,
    ],
    [
      'every vulnerability',
      (c: InventoryClient) => c.listVulnerabilities(),
      `${baseUrl}/ingestion/dependencies/vulnerabilities`,
    ],
    [
      'the vulnerabilities of an entity',
      (c: InventoryClient) =>
        c.listVulnerabilities({ entityRef: 'component:default/payments' }),
      `${baseUrl}/ingestion/dependencies/vulnerabilities?entityRef=component%3Adefault%2Fpayments`,
    ],
  ])('asks the catalog backend for %s', async (_what, call, url) => {
    const { fetch, client: c } = client(ok({ items: [] }));
    await expect(call(c)).resolves.toEqual({ items: [] });
    expect(fetch.mock.calls.map(([u]) => u)).toEqual([url]);
  });

  it('passes a token and throws the answer of a failed request', async () => {
    const { fetch, client: c } = client(
      new Response(
        JSON.stringify({ error: { name: 'InputError', message: 'bad' } }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await expect(
      c.listPackageUsages({ package: 'x' }, { token: 't' }),
    ).rejects.toBeInstanceOf(ResponseError);
    expect(fetch.mock.calls[0][1]?.headers).toEqual({
      authorization: 'Bearer t',
    });
  });
});
