import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from './__testUtils__/startIngestionBackend';
import { createRepo } from './__testUtils__/git';

// One full scan of a source at a time across replicas: a replica asked for
// a full scan while another holds the source's lease answers with that
// scan's run instead of listing the source again. On both databases the
// README offers.

jest.setTimeout(120_000);

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: team-a }
`;

describe('full scans of a source across replicas', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-scans-'));
    createRepo(path.join(root, 'alpha'), {
      'catalog-info.yaml': component('alpha'),
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(databases.eachSupportedId())(
    'waits for the scan another replica runs, and scans when its lease is gone, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const server = await startIngestionBackend(knex, {
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'local',
                type: 'local',
                path: root,
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      });
      const rescan = () =>
        request(server)
          .post('/api/catalog/ingestion/rescan')
          .set({ Authorization: mockCredentials.user.header() })
          .send({ source: 'local' });
      const runCount = async () =>
        Number(
          (await knex('ingestion_runs').count({ n: '*' }).first())?.n ?? 0,
        );

      // Another replica is listing the source: its run, still running.
      const [inserted] = await knex('ingestion_runs')
        .insert({
          source_id: 'local',
          trigger: 'schedule',
          started_at: new Date(),
          status: 'running',
        })
        .returning('id');
      const otherRun = String(
        typeof inserted === 'object' ? inserted.id : inserted,
      );
      await knex('ingestion_source_scans').insert({
        source_id: 'local',
        run_id: otherRun,
        lease_owner: 'replica-b',
        lease_until: new Date(Date.now() + 60_000),
      });
      const before = await runCount();

      const asked = rescan();
      // Still waiting after a while: it did not list the source itself.
      const early = await Promise.race([
        asked.then(() => 'answered'),
        new Promise(r => setTimeout(() => r('waiting'), 1500)),
      ]);
      expect(early).toBe('waiting');
      expect(await runCount()).toBe(before);

      // The other replica finishes: the answer is its run.
      await knex('ingestion_runs').where({ id: otherRun }).update({
        status: 'succeeded',
        finished_at: new Date(),
        duration_ms: 1500,
        repositories: 1,
      });
      await knex('ingestion_source_scans').where({ source_id: 'local' }).delete();
      const res = await asked;
      expect(res.status).toBe(200);
      expect(res.body.runs).toEqual([
        expect.objectContaining({ id: otherRun, status: 'succeeded' }),
      ]);
      expect(await runCount()).toBe(before);

      // A replica that stopped mid-scan leaves an expired lease: the next
      // full scan takes it over and lists the source itself.
      await knex('ingestion_source_scans').insert({
        source_id: 'local',
        run_id: null,
        lease_owner: 'replica-gone',
        lease_until: new Date(Date.now() - 1000),
      });
      const own = await rescan();
      expect(own.status).toBe(200);
      expect(own.body.runs[0]).toMatchObject({
        status: 'succeeded',
        repositories: 1,
      });
      expect(own.body.runs[0].id).not.toBe(otherRun);
      expect(await runCount()).toBe(before + 1);
      // Released when done.
      expect(await knex('ingestion_source_scans').select()).toEqual([]);
    },
  );
});
