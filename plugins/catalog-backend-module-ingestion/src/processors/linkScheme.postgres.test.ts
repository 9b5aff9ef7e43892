/* eslint-disable no-script-url -- the point of this test is a script URL */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startIngestionBackend } from '../__testUtils__/startIngestionBackend';

jest.setTimeout(120_000);

const entities = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: linked-safely
  links: [{ url: 'https://example.com/runbook', title: Runbook }]
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: linked-to-script
  links: [{ url: 'javascript:alert(document.cookie)', title: Runbook }]
spec: { type: service, lifecycle: production, owner: team-a }
`;

describe('links on catalog entities, from any source', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('refuses a javascript: link with a message on the entity; the rest of the file is served', async () => {
    const knex = await databases.init('POSTGRES_15');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    try {
      const file = path.join(dir, 'catalog-info.yaml');
      fs.writeFileSync(file, entities);
      const server = await startIngestionBackend(knex, {
        catalog: {
          rules: [{ allow: ['Component', 'Location'] }],
          locations: [{ type: 'file', target: file }],
        },
      });
      const auth = { Authorization: mockCredentials.user.header() };
      const deadline = Date.now() + 60_000;
      let safe = 0;
      while (Date.now() < deadline && safe !== 200) {
        safe = (
          await request(server)
            .get(
              '/api/catalog/entities/by-name/component/default/linked-safely',
            )
            .set(auth)
        ).status;
        await new Promise(r => setTimeout(r, 250));
      }
      expect(safe).toBe(200);
      const refused = await request(server)
        .get('/api/catalog/entities/by-name/component/default/linked-to-script')
        .set(auth);
      expect(refused.status).toBe(404);
      // The catalog's own validation runs the same processors and says why.
      const validation = await request(server)
        .post('/api/catalog/validate-entity')
        .set(auth)
        .send({
          location: 'url:https://example.com/catalog-info.yaml',
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'linked-to-script',
              links: [
                { url: 'javascript:alert(document.cookie)', title: 'Runbook' },
              ],
            },
            spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
          },
        });
      expect(validation.status).toBe(400);
      expect(JSON.stringify(validation.body)).toContain(
        'metadata.links[0].url \\"javascript:alert(document.cookie)\\" uses javascript:, which is not allowed',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
