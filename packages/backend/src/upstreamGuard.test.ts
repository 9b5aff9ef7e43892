import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// scripts/upstream-guard.mjs, the step of `./portal test` that keeps the
// portal on unmodified Backstage: run on this repository and on small
// trees that break each rule.
const repoRoot = path.resolve(__dirname, '../../..');
const guard = path.join(repoRoot, 'scripts/upstream-guard.mjs');

function runGuard(root: string) {
  const run = spawnSync(process.execPath, [guard, '--root', root], {
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let tree: string;

function write(file: string, content: string) {
  const full = path.join(tree, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

beforeEach(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-guard-'));
  write('package.json', JSON.stringify({ name: 'root', resolutions: {} }));
  write(
    'plugins/thing-backend/package.json',
    JSON.stringify({ name: '@internal/plugin-thing-backend' }),
  );
  write(
    'plugins/thing-backend/migrations/20260101000000_init.js',
    `exports.up = async knex => {
  await knex.schema.createTable('thing_items', t => t.string('id'));
};`,
  );
  // An installed Backstage plugin with tables of its own.
  write(
    'node_modules/@backstage/plugin-catalog-backend/migrations/20200101_init.js',
    `exports.up = async knex => {
  await knex.schema.createTable('refresh_state', t => t.string('entity_id'));
  await knex.schema.createTable('final_entities', t => t.string('entity_id'));
};`,
  );
  write(
    'plugins/thing-backend/src/store.ts',
    `export const list = (knex: any) => knex('thing_items').select('id');
export const raw = (knex: any) =>
  knex.raw('SELECT count(*) FROM thing_items t WHERE EXTRACT(EPOCH FROM now()) > 0');
// A comment that mentions knex('refresh_state') is not code.
`,
  );
});

afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

describe('the upstream guard', () => {
  it('passes on this repository', () => {
    const { status, output } = runGuard(repoRoot);
    expect(output).toContain('upstream guard: no patched packages');
    expect(status).toBe(0);
  });

  it('passes on code that uses only its own tables', () => {
    const { status, output } = runGuard(tree);
    expect(output).toContain('our code names only the 1 tables');
    expect(status).toBe(0);
  });

  it('fails on a patch: resolution, a patch file and a patched lock entry', () => {
    write(
      'package.json',
      JSON.stringify({
        name: 'root',
        resolutions: {
          '@backstage/plugin-catalog-backend':
            'patch:@backstage/plugin-catalog-backend@npm%3A4.0.5#~/.yarn/patches/x.patch',
        },
      }),
    );
    write('.yarn/patches/x.patch', 'diff');
    write(
      'yarn.lock',
      `"@backstage/plugin-catalog-backend@patch:@backstage/plugin-catalog-backend@npm%3A4.0.5#~/.yarn/patches/x.patch":
  version: 4.0.5
"typescript@patch:typescript@npm%3A^5.9.3#optional!builtin<compat/typescript>":
  version: 5.9.3
`,
    );
    const { status, output } = runGuard(tree);
    expect(status).toBe(1);
    expect(output).toContain(
      'package.json: resolutions["@backstage/plugin-catalog-backend"] patches an upstream package',
    );
    expect(output).toContain(
      '.yarn/patches/x.patch: a patch of an upstream package',
    );
    expect(output).toMatch(/yarn\.lock:1: resolves a patched package/);
    // Yarn's own compatibility patches are not ours.
    expect(output).not.toContain('typescript@patch');
    expect(output).toContain('upstream guard: 3 finding(s)');
  });

  it.each([
    [
      'a knex query',
      `knex('refresh_state').update({ next_update_at: 0 });`,
      'knex query names table "refresh_state"',
    ],
    [
      'a join',
      `knex('thing_items').leftJoin('final_entities as f', 'f.id', 'id');`,
      'knex query names table "final_entities"',
    ],
    [
      'raw SQL',
      'knex.raw(`UPDATE refresh_state SET next_update_at = now()`);',
      'SQL names table "refresh_state"',
    ],
    [
      'an index',
      `knex.raw('CREATE INDEX CONCURRENTLY my_idx ON search (entity_id)');`,
      'SQL names table "search"',
    ],
    [
      'a trigger',
      `knex.raw('CREATE TRIGGER t AFTER DELETE ON final_entities FOR EACH ROW EXECUTE FUNCTION f()');`,
      'SQL names table "final_entities"',
    ],
    [
      'a vacuum',
      `knex.raw('VACUUM (SKIP_LOCKED, ANALYZE) relations');`,
      'SQL names table "relations"',
    ],
    [
      'a name in a variable',
      `const tables = ['final_entities'];\nknex.raw('VACUUM ??', tables);`,
      'string names table "final_entities"',
    ],
  ])("fails on another plugin's table named in %s", (_what, code, finding) => {
    write(
      'plugins/thing-backend/src/reach.ts',
      `export async function f(knex: any) {\n  ${code}\n}\n`,
    );
    const { status, output } = runGuard(tree);
    expect(output).toContain(
      `plugins/thing-backend/src/reach.ts:2: ${finding}`,
    );
    expect(status).toBe(1);
  });

  it('allows system catalogs, and our own tables in statistics', () => {
    write(
      'bench/stats.mjs',
      `psql("select n_tup_ins from pg_stat_user_tables where relname not like 'thing\\_%'");
psql('select datname from pg_database');
`,
    );
    const { status, output } = runGuard(tree);
    expect(output).toContain('upstream guard: no patched packages');
    expect(status).toBe(0);
  });

  it('allows a scratch table a file creates and reads in later statements', () => {
    write(
      'bench/scratch.mjs',
      `psql('create table bench_names as select 1 as i');
psql('select i from bench_names order by i');
`,
    );
    const { status, output } = runGuard(tree);
    expect(output).toContain('upstream guard: no patched packages');
    expect(status).toBe(0);
  });

  it("fails on a file that creates a table of another plugin's name", () => {
    write(
      'bench/scratch.mjs',
      `psql('create table refresh_state (id int)');
psql('select id from refresh_state');
`,
    );
    const { status, output } = runGuard(tree);
    expect(output).toContain(
      'bench/scratch.mjs:2: SQL names table "refresh_state"',
    );
    expect(status).toBe(1);
  });

  it("fails on another plugin's table named in a statistics lookup", () => {
    write(
      'bench/stats.mjs',
      `psql("select n_tup_ins from pg_stat_user_tables where relname in ('refresh_state')");
`,
    );
    const { status, output } = runGuard(tree);
    expect(output).toContain(
      'bench/stats.mjs:1: string names table "refresh_state"',
    );
    expect(status).toBe(1);
  });
});
