import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { SloClient } from './SloClient';

const base = 'http://backend.test/api/slo';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

/** A client over Backstage's mock fetch API, answering from a queue. */
function setup(...responses: Response[]) {
  const baseImplementation = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => {
      const next = responses.shift();
      if (!next) throw new Error('unexpected request');
      return next;
    },
  );
  const client = new SloClient({
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
  return { client, call };
}

const id = 'component:default/checkout/checkout-availability';

describe('SloClient', () => {
  it.each([
    [
      'every SLO',
      (c: SloClient) => c.listSlos(),
      { items: [{ id }] },
      `${base}/slos`,
      [{ id }],
    ],
    [
      'the SLOs of an owner, system and state',
      (c: SloClient) =>
        c.listSlos({
          owner: 'group:default/team-a',
          system: 'system:default/shop',
          state: 'breaching',
        }),
      { items: [] },
      `${base}/slos?owner=group%3Adefault%2Fteam-a&system=system%3Adefault%2Fshop&state=breaching`,
      [],
    ],
    [
      'the SLOs of an entity',
      (c: SloClient) => c.listSlos({ entityRef: 'component:default/checkout' }),
      { items: [] },
      `${base}/slos?entityRef=component%3Adefault%2Fcheckout`,
      [],
    ],
    [
      'one SLO (id encoded)',
      (c: SloClient) => c.getSlo(id),
      { id },
      `${base}/slos/component%3Adefault%2Fcheckout%2Fcheckout-availability`,
      { id },
    ],
    [
      'one SLO over a range',
      (c: SloClient) =>
        c.getSlo('x', {
          from: new Date('2026-11-01T00:00:00.000Z'),
          to: new Date('2026-11-02T00:00:00.000Z'),
        }),
      { id: 'x' },
      `${base}/slos/x?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z`,
      { id: 'x' },
    ],
    [
      'the platform health',
      (c: SloClient) => c.getPlatformHealth(),
      { slos: [] },
      `${base}/platform`,
      { slos: [] },
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

  it('POSTs a file to validate', async () => {
    const answer = { slos: [], problems: [] };
    const { client, call } = setup(json(answer));
    await expect(client.validateSlo('kind: SLO')).resolves.toEqual(answer);
    expect(call()).toEqual({
      url: `${base}/validate`,
      method: 'POST',
      contentType: 'application/json',
      body: { yaml: 'kind: SLO' },
    });
  });

  it('POSTs a new SLO and answers the SLOs made', async () => {
    const { client, call } = setup(json({ items: [{ id }] }, 201));
    await expect(
      client.createSlo({
        entityRef: 'component:default/checkout',
        yaml: 'kind: SLO',
      }),
    ).resolves.toEqual([{ id }]);
    expect(call()).toEqual({
      url: `${base}/slos`,
      method: 'POST',
      contentType: 'application/json',
      body: { entityRef: 'component:default/checkout', yaml: 'kind: SLO' },
    });
  });

  it('DELETEs an SLO', async () => {
    const { client, call } = setup(new Response(null, { status: 204 }));
    await expect(client.deleteSlo(id)).resolves.toBeUndefined();
    expect(call()).toMatchObject({
      url: `${base}/slos/component%3Adefault%2Fcheckout%2Fcheckout-availability`,
      method: 'DELETE',
    });
  });

  it("throws a ResponseError with the server's message", async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'NotAllowedError',
            message: 'only owners of component:default/checkout create SLOs',
          },
          request: { method: 'POST', url: '/slos' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    const error = await client
      .createSlo({ entityRef: 'component:default/checkout', yaml: 'x' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'only owners of component:default/checkout create SLOs',
    );
  });
});
