#!/usr/bin/env node
// `yarn templates:test [template dir ...]` (what `./portal templates test`
// runs): renders each golden-path template with the examples beside it
// (templates/<name>/examples/*.yaml) through the policy and the
// scaffolder's dry run, and checks every file it produces. The logic is in
// plugins/scaffolder-backend-module-golden-paths/src/__testUtils__/templatesTest
// (with its Jest test); this runs it from source through the Backstage
// CLI's Node transform, as bench/lib.mjs runs the backend.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = spawnSync(
  process.execPath,
  [
    '--require',
    join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
    join(
      root,
      'plugins/scaffolder-backend-module-golden-paths/src/__testUtils__/templatesTest/cli.ts',
    ),
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // Relative template folders are relative to where the command ran.
      PORTAL_CALLER_DIR:
        process.env.PORTAL_CALLER_DIR ?? process.env.INIT_CWD ?? process.cwd(),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    },
  },
);
process.exit(run.status ?? 1);
