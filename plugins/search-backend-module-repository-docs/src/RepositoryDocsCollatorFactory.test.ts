import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleRepositoryDocs from '@internal/plugin-catalog-backend-module-repository-docs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  markdownToText,
  RepositoryDocsCollatorFactory,
  RepositoryDocsDocument,
} from './RepositoryDocsCollatorFactory';

jest.setTimeout(120_000);

describe('markdownToText', () => {
  it('keeps words and link texts, drops markup and HTML', () => {
    expect(
      markdownToText(
        '# Title\n\nSee [the *runbook*](docs/r.md) <b>now</b>\n\n```sh\nmake\n```',
      ),
    ).toBe('Title See the runbook now make');
  });
});

describe('RepositoryDocsCollatorFactory', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('collates the docs of discovered repositories as their entity, with a service token', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-collator-'));
    const repo = path.join(dir, 'repos', 'ledger');
    fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
    );
    fs.writeFileSync(
      path.join(repo, 'README.md'),
      '# Ledger\n\nDouble-entry bookkeeping.\n',
    );
    fs.writeFileSync(
      path.join(repo, 'docs', 'runbook.md'),
      '# Runbook\n\nRotate the reconciliation keys monthly.\n',
    );
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e.x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e.x',
    };
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'init'],
    ]) {
      execFileSync('git', args, { cwd: repo, env });
    }

    let factory: RepositoryDocsCollatorFactory | undefined;
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env2) {
        env2.registerInit({
          deps: { auth: coreServices.auth, discovery: coreServices.discovery },
          async init({ auth, discovery }) {
            factory = new RepositoryDocsCollatorFactory({
              auth,
              discovery,
              pageSize: 1,
            });
          },
        });
      },
    });
    const knex = await databases.init('POSTGRES_15');
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        catalogModuleRepositoryDocs,
        probe,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              ingestion: {
                sources: [
                  {
                    id: 'local',
                    type: 'local',
                    path: path.dirname(repo),
                    schedule: {
                      frequency: { hours: 24 },
                      timeout: { minutes: 1 },
                      initialDelay: { hours: 24 },
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });

    const { port } = backend.server.address() as { port: number };
    const scan = await fetch(
      `http://localhost:${port}/api/catalog/ingestion/rescan`,
      {
        method: 'POST',
        headers: {
          authorization: mockCredentials.user.header(),
          'content-type': 'application/json',
        },
        body: '{}',
      },
    );
    expect(scan.status).toBe(200);

    let docs: RepositoryDocsDocument[] = [];
    for (let i = 0; i < 40 && docs.length < 2; i++) {
      docs = [];
      for await (const doc of await factory!.getCollator()) docs.push(doc);
      if (docs.length < 2) await new Promise(r => setTimeout(r, 500));
    }
    expect(docs).toEqual([
      {
        title: 'ledger: Ledger',
        text: 'Ledger Double entry bookkeeping.',
        location: '/catalog/default/component/ledger/docs?path=README.md',
        entityRef: 'component:default/ledger',
        path: 'README.md',
        authorization: { resourceRef: 'component:default/ledger' },
      },
      expect.objectContaining({
        title: 'ledger: Runbook',
        text: 'Runbook Rotate the reconciliation keys monthly.',
        location:
          '/catalog/default/component/ledger/docs?path=docs%2Frunbook.md',
      }),
    ]);
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
