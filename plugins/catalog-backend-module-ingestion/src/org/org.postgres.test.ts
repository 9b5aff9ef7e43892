import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';

// Integration test: organisation import from a CSV file and from a YAML
// export served over HTTP (a local stand-in for an HR system), on PostgreSQL.

jest.setTimeout(120_000);

const CSV = `kind,name,displayName,email,parent,groups,manager
group,acme,ACME,,,,
group,payments,Payments,payments@acme.test,acme,,ada
user,ada,Ada Lovelace,ada@acme.test,,payments,
user,grace,Grace Hopper,grace@acme.test,,payments,ada
user,Bad Name,Nobody,,,payments,
`;

describe('organisation import', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let dir: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  let hr: http.Server;
  let hrBody: { status: number; text: string } = { status: 200, text: '' };
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-it-'));
    fs.writeFileSync(path.join(dir, 'people.csv'), CSV);
    hr = http.createServer((_req, res) => {
      res.writeHead(hrBody.status, { 'content-type': 'application/yaml' });
      res.end(hrBody.text);
    });
    await new Promise<void>(r => hr.listen(0, '127.0.0.1', r));
    const port = (hr.address() as AddressInfo).port;
    hrBody = {
      status: 200,
      text: 'groups:\n  - name: directory-team\nusers:\n  - name: dora\n    email: dora@acme.test\n    groups: [directory-team]\n',
    };
    const knex = await databases.init('POSTGRES_15');
    const schedule = MANUAL_SCHEDULE;
    server = await startIngestionBackend(knex, {
      backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
      catalog: {
        ingestion: {
          sources: [
            {
              id: 'hr-csv',
              type: 'org',
              path: path.join(dir, 'people.csv'),
              schedule,
            },
            {
              id: 'directory',
              type: 'org',
              url: `http://127.0.0.1:${port}/export.yaml`,
              schedule,
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await new Promise(r => hr.close(r));
  });

  const rescan = async (source: string) => {
    const res = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ source });
    expect(res.status).toBe(200);
    return res.body.runs[0];
  };

  async function waitForEntity(ref: string, check: (e: any) => boolean) {
    const [kind, rest] = ref.split(':');
    let last: any;
    for (let i = 0; i < 60; i++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/${kind}/${rest}`)
        .set(auth);
      last = res.status === 200 ? res.body : null;
      if (check(last)) return last;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`${ref} never matched; last seen ${JSON.stringify(last)}`);
  }

  it('imports users and groups from a CSV file and reports the bad row with its line', async () => {
    const run = await rescan('hr-csv');
    expect(run).toMatchObject({
      status: 'partial',
      entitiesFound: 4,
      added: 4,
      errorCount: 1,
    });
    expect(run.errors).toEqual([
      expect.objectContaining({
        file: 'people.csv',
        line: 6,
        message: expect.stringContaining(
          '"Bad Name" is not a valid entity name',
        ),
      }),
    ]);
    const grace = await waitForEntity('user:default/grace', e =>
      e?.relations?.some(
        (r: any) =>
          r.type === 'memberOf' && r.targetRef === 'group:default/payments',
      ),
    );
    expect(grace.spec.profile).toEqual({
      displayName: 'Grace Hopper',
      email: 'grace@acme.test',
    });
    expect(grace.metadata.annotations['portal.dev/manager']).toBe(
      'user:default/ada',
    );
    await waitForEntity('group:default/payments', e =>
      e?.relations?.some(
        (r: any) =>
          r.type === 'childOf' && r.targetRef === 'group:default/acme',
      ),
    );
  });

  it('does nothing when the export did not change, and removes people who left', async () => {
    expect(await rescan('hr-csv')).toMatchObject({
      repositoriesRead: 0,
      added: 0,
      removed: 0,
    });
    fs.writeFileSync(
      path.join(dir, 'people.csv'),
      CSV.replace(/^user,grace.*\n/m, ''),
    );
    expect(await rescan('hr-csv')).toMatchObject({
      repositoriesRead: 1,
      removed: 1,
    });
    await waitForEntity('user:default/grace', e => e === null);
  });

  it('keeps the last import when the export loses its required columns', async () => {
    fs.writeFileSync(
      path.join(dir, 'people.csv'),
      'name,email\nada,ada@acme.test\n',
    );
    const run = await rescan('hr-csv');
    expect(run).toMatchObject({ status: 'failed', removed: 0 });
    expect(run.message).toBe(
      `cannot list ${path.join(
        dir,
        'people.csv',
      )}: people.csv line 1: CSV header has no "kind" column (found: name, email)`,
    );
    await waitForEntity('user:default/ada', e => e !== null);
  });

  it('imports a YAML export from a URL, and keeps it when the HR system fails', async () => {
    expect(await rescan('directory')).toMatchObject({
      status: 'succeeded',
      added: 2,
    });
    await waitForEntity(
      'user:default/dora',
      e => e?.spec?.memberOf?.[0] === 'directory-team',
    );
    hrBody = { status: 500, text: 'oops' };
    const run = await rescan('directory');
    expect(run).toMatchObject({ status: 'failed', removed: 0 });
    expect(run.message).toContain('cannot list');
    await waitForEntity('user:default/dora', e => e !== null);
  });
});
