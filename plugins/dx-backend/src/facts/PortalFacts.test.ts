import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { evaluateScorecard, parseScorecards } from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalFacts } from './PortalFacts';

const [CARD] = parseScorecards(
  [
    {
      id: 'security',
      title: 'Security',
      checks: [
        {
          id: 'vulns',
          title: 'No known vulnerability',
          level: 'bronze',
          check: 'no-known-vulnerabilities',
        },
      ],
    },
  ],
  'test',
);

/** A port nothing listens on: the inventory cannot be reached. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('PortalFacts: known vulnerabilities', () => {
  it('makes the fact missing, and the check n/a, when the inventory cannot be reached', async () => {
    const port = await closedPort();
    const logger = mockServices.logger.mock();
    const facts = new PortalFacts({
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'legacy', namespace: 'default' },
            spec: { type: 'service', owner: 'team-a' },
          },
        ],
      }),
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
      },
      logger,
      // Not read: no check counts deployments.
      knex: {} as Knex,
    });
    const { facts: gathered, missing } = await facts.forScorecards(
      [CARD],
      new Date(),
    );
    expect(gathered.map(f => [f.entityRef, f.vulnerabilities])).toEqual([
      ['component:default/legacy', []],
    ]);
    expect(missing.vulnerabilities).toMatch(/^known vulnerabilities: /);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('DX facts: known vulnerabilities: '),
    );
    const [check] = evaluateScorecard(
      CARD,
      gathered[0],
      missing,
      new Date().toISOString(),
    ).checks;
    expect(check).toMatchObject({
      status: 'n/a',
      detail: `not checked: ${missing.vulnerabilities}`,
    });
  });
});
