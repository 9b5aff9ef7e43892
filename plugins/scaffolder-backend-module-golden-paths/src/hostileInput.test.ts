import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { dropDatabases } from '@internal/backend-test-utils';
import request from 'supertest';
import {
  eventually,
  runTemplate,
  startGoldenPathsBackend,
  type GoldenPathsTestBackend,
  type TaskResult,
} from './__testUtils__/startGoldenPathsBackend';

/*
 * Hostile input against the real stack (scaffolder, this module, catalog,
 * golden-paths on PostgreSQL, real git): path traversal, template and shell
 * injection, symbolic links, and the built-in file and fetch actions with
 * targets outside the workspace. Everything runs in one sandbox directory:
 *
 *   sandbox/work/<task>   the task workspaces (backend.workingDirectory),
 *                         so `../..` from a workspace is the sandbox
 *   sandbox/outside/      a victim and a secret file next to them
 *   sandbox/fixtures/     the templates, with the symbolic links made here
 *   sandbox/markers/      where an injected command would leave a file
 *
 * After each run the whole sandbox (but the workspaces, which come and go)
 * is compared with before: nothing may be written, moved or deleted there.
 * What a run may publish goes to the backend's repository root.
 */

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const ALICE = 'user:default/alice';
const OWNER = 'group:default/team-a';
const HOSTILE = 'template:default/hostile-service';
const SYMLINK = 'template:default/symlink-service';
const UNCHECKED = 'template:default/unchecked-actions';
const TYPESCRIPT = 'template:default/typescript-service';
const OUTSIDE_PARENT =
  'Relative path is not allowed to refer to a directory outside its parent';
const templatesDir = path.resolve(__dirname, '../../../templates');

const SECRET = `TOP-SECRET-${crypto.randomUUID()}`;
const VICTIM = `TEMPLATE-VICTIM-${crypto.randomUUID()}`;
const prefix = `portal_hostile_${process.pid}_${Date.now().toString(36)}_`;

let backend: GoldenPathsTestBackend;
let sandbox: string;
let fixtures: string;
let work: string;
let outside: string;
let markers: string;
/** The first line of /etc/passwd, to look for in what a run produced. */
let passwdLine: string;
let ssrf: http.Server;
let ssrfUrl: string;
const ssrfHits: string[] = [];
let allowed: http.Server;
let allowedUrl: string;
const allowedHits: string[] = [];

const as = (user: string) => mockCredentials.user.header(user);
const marker = (name: string) => path.join(markers, name);
const sha = (data: Buffer) =>
  crypto.createHash('sha256').update(data).digest('hex');

/** Every path under `root` (links not followed): a hash, a link target or "dir". */
function snapshot(root: string, skip: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full);
      if (skip.includes(relative)) continue;
      if (entry.isSymbolicLink()) {
        found[relative] = `link ${fs.readlinkSync(full)}`;
      } else if (entry.isDirectory()) {
        found[relative] = 'dir';
        walk(full);
      } else {
        found[relative] = `file ${sha(fs.readFileSync(full))}`;
      }
    }
  };
  walk(root);
  return found;
}

function repositories(): string[] {
  return fs.readdirSync(backend.reposDir).sort();
}

function git(repo: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [`--git-dir=${path.join(backend.reposDir, repo)}`, ...args],
    { encoding: 'utf8' },
  );
}

/** The files of HEAD: git mode and content (a link's content is its target). */
function tree(repo: string): Record<string, { mode: string; content: string }> {
  const entries: Record<string, { mode: string; content: string }> = {};
  for (const line of git(repo, 'ls-tree', '-r', '-z', 'HEAD').split('\0')) {
    if (!line) continue;
    const [meta, file] = line.split('\t');
    const [mode, , object] = meta.split(' ');
    entries[file] = { mode, content: git(repo, 'cat-file', '-p', object) };
  }
  return entries;
}

async function entity(ref: string) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const res = await request(backend.server)
    .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
    .set('Authorization', as(ALICE));
  return res.status === 200 ? res.body : undefined;
}

const logOf = (task: TaskResult) =>
  task.events
    .filter(e => e.type === 'log')
    .map(e => e.body.message)
    .join('\n');

/**
 * Runs a template as Alice and waits until its workspace is gone; `changed`
 * lists what is different in the sandbox afterwards (the working directory
 * of the scaffolder aside).
 */
async function attempt(templateRef: string, values: Record<string, unknown>) {
  const before = snapshot(sandbox, ['work']);
  const task = await runTemplate(backend.server, {
    templateRef,
    user: ALICE,
    values,
  });
  await eventually('the task workspace removed', async () =>
    fs.existsSync(path.join(work, task.id)) ? undefined : true,
  );
  const after = snapshot(sandbox, ['work']);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter(p => before[p] !== after[p])
    .sort();
  return { task, log: logOf(task), changed };
}

/** The values of the hostile-service template, ordinary unless overridden. */
const hostile = (values: Record<string, unknown>) => ({
  owner: OWNER,
  description: 'A service',
  notesDir: 'docs',
  notesFile: 'notes',
  ...values,
});

async function backendIsUp(): Promise<number> {
  const res = await request(backend.server)
    .get('/api/scaffolder/v2/actions')
    .set('Authorization', as(ALICE));
  return res.status;
}

beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-input-'));
  fixtures = path.join(sandbox, 'fixtures');
  work = path.join(sandbox, 'work');
  outside = path.join(sandbox, 'outside');
  markers = path.join(sandbox, 'markers');
  fs.cpSync(path.join(__dirname, '__fixtures__'), fixtures, {
    recursive: true,
  });
  for (const dir of [work, outside, markers]) fs.mkdirSync(dir);
  fs.writeFileSync(path.join(outside, 'victim.txt'), 'a file outside\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`);
  passwdLine = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0];

  // The links, made here because git keeps no absolute ones.
  const skeleton = path.join(fixtures, 'symlink-path/skeleton');
  const linked = path.join(fixtures, 'symlink-path/linked');
  const haunted = path.join(fixtures, 'symlink-path/haunted');
  fs.writeFileSync(path.join(linked, 'inner/victim.txt'), `${VICTIM}\n`);
  fs.symlinkSync('inside.txt', path.join(skeleton, 'inside-link'));
  fs.symlinkSync(
    path.join(outside, 'secret.txt'),
    path.join(skeleton, 'secret-abs'),
  );
  // skeleton → symlink-path → fixtures → sandbox
  fs.symlinkSync(
    '../../../outside/secret.txt',
    path.join(skeleton, 'secret-rel'),
  );
  fs.symlinkSync('/etc', path.join(skeleton, 'etc'));
  fs.symlinkSync('/etc/passwd', path.join(skeleton, 'passwd'));
  fs.symlinkSync(path.join(outside, 'later'), path.join(skeleton, 'dangling'));
  fs.symlinkSync(path.join(linked, 'inner'), path.join(linked, 'door'));
  fs.symlinkSync(
    path.join(outside, 'secret.txt'),
    path.join(linked, 'secret-abs'),
  );
  fs.mkdirSync(haunted);
  fs.symlinkSync(
    path.join(haunted, 'ghost-target'),
    path.join(haunted, 'ghost'),
  );

  // An "internal" service that no URL from a template may reach.
  ssrf = http.createServer((req, res) => {
    ssrfHits.push(req.url ?? '');
    res.end('internal\n');
  });
  await new Promise<void>(resolve => ssrf.listen(0, '127.0.0.1', resolve));
  ssrfUrl = `http://127.0.0.1:${(ssrf.address() as AddressInfo).port}`;
  // A host on backend.reading.allow that redirects to the internal one.
  allowed = http.createServer((req, res) => {
    allowedHits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${ssrfUrl}/internal` }).end();
    } else {
      res.end('allowed\n');
    }
  });
  await new Promise<void>(resolve => allowed.listen(0, '127.0.0.1', resolve));
  const allowedPort = (allowed.address() as AddressInfo).port;
  allowedUrl = `http://127.0.0.1:${allowedPort}`;

  backend = await startGoldenPathsBackend({
    locations: [
      path.join(fixtures, 'org.yaml'),
      path.join(fixtures, 'hostile-path/template.yaml'),
      path.join(fixtures, 'symlink-path/template.yaml'),
      path.join(fixtures, 'unchecked-path/template.yaml'),
      path.join(templatesDir, 'typescript-service/template.yaml'),
    ],
    config: {
      // The whole `backend` block, to move the task workspaces into the
      // sandbox; its databases get this file's own prefix.
      backend: {
        baseUrl: 'http://localhost:7007',
        database: { client: 'pg', connection: CONNECTION ?? '', prefix },
        workingDirectory: work,
        reading: { allow: [{ host: `127.0.0.1:${allowedPort}` }] },
      },
      goldenPaths: {
        policy: {
          rules: [
            {
              id: 'name-convention',
              parameter: 'name',
              pattern: '[a-z][a-z0-9-]{1,38}[a-z0-9]',
              message: 'Names are lower-case kebab-case',
            },
            {
              id: 'owner-is-a-team',
              parameter: 'owner',
              required: true,
              entity: { kind: 'Group' },
              message: 'The owner must be a team in the catalog',
            },
          ],
        },
      },
    },
  });
  await eventually('templates and groups in the catalog', async () =>
    (await entity(HOSTILE)) &&
    (await entity(SYMLINK)) &&
    (await entity(UNCHECKED)) &&
    (await entity(TYPESCRIPT)) &&
    (await entity(OWNER))
      ? true
      : undefined,
  );
});

afterAll(async () => {
  await backend?.stop();
  if (CONNECTION) await dropDatabases(CONNECTION, prefix);
  for (const server of [ssrf, allowed]) {
    if (server) await new Promise(resolve => server.close(resolve));
  }
  if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
});

describe('path traversal in parameters', () => {
  it.each([
    ['../../outside', '../../outside', 'notesDir contains a ".." path segment'],
    ['a/../../b', 'a/../../b', 'notesDir contains a ".." path segment'],
    ['a NUL byte', 'docs\u0000/x', 'notesDir contains control characters'],
    [
      '5000 characters',
      'd'.repeat(5000),
      'notesDir is 5000 characters long, at most 4096 allowed',
    ],
  ])(
    'the policy check refuses a target path with %s before anything is written',
    async (_what, notesDir, message) => {
      const repos = repositories();
      const { task, log, changed } = await attempt(
        HOSTILE,
        hostile({ name: 'traversal-api', notesDir }),
      );
      expect(task.status).toBe('failed');
      expect(log).toContain(message);
      expect(changed).toEqual([]);
      expect(repositories()).toEqual(repos);
    },
  );

  it.each([['<outside>/planted'], ['/etc/passwd'], ['..%2f..%2foutside']])(
    'fetch:template refuses the target path %j, which the policy lets through',
    async target => {
      const repos = repositories();
      const passwd = fs.readFileSync('/etc/passwd', 'utf8');
      const { task, log, changed } = await attempt(
        HOSTILE,
        hostile({
          name: 'absolute-api',
          notesDir: target.replace('<outside>', outside),
        }),
      );
      expect(task.status).toBe('failed');
      expect(log).toContain(OUTSIDE_PARENT);
      expect(changed).toEqual([]);
      expect(repositories()).toEqual(repos);
      expect(fs.readFileSync('/etc/passwd', 'utf8')).toBe(passwd);
    },
  );

  it('an absolute path as a rendered file name writes nothing there', async () => {
    const { task, changed } = await attempt(
      HOSTILE,
      hostile({
        name: 'absolute-file-api',
        notesFile: path.join(outside, 'planted'),
      }),
    );
    // fetch:template skips a rendered path that starts with "/".
    expect(task.status).toBe('completed');
    expect(changed).toEqual([]);
    expect(Object.keys(tree('absolute-file-api.git')).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
    ]);
  });

  // `..%2f..` above is refused only because its first segment starts with
  // "..", which isChildPath takes for the parent (a safe false positive).
  it('URL-encoded dots are not decoded: they name a directory inside the repository', async () => {
    const notesDir = '%2e%2e%2f%2e%2e%2foutside';
    const { task, changed } = await attempt(
      HOSTILE,
      hostile({ name: 'encoded-api', notesDir }),
    );
    expect(task.status).toBe('completed');
    expect(changed).toEqual([]);
    expect(Object.keys(tree('encoded-api.git')).sort()).toEqual([
      `${notesDir}/notes.md`,
      'README.md',
      'catalog-info.yaml',
    ]);
  });
});

describe('template injection in parameters', () => {
  it('nunjucks in a value lands as text everywhere, runs nothing and the backend stays up', async () => {
    const description = [
      '${{ 7*7 }}',
      '{{ 7*7 }}',
      '{% raw %}',
      "${{ parameters.constructor.constructor('return process')().exit() }}",
      `{{ range.constructor("return global.process.mainModule.require('child_process').execSync('touch ${marker(
        'curly',
      )}')")() }}`,
      `\${{ range.constructor("return global.process.mainModule.require('child_process').execSync('touch ${marker(
        'dollar-curly',
      )}')")() }}`,
      // YAML and catalog placeholders, should the value reach YAML raw.
      'owner: group:default/platform-team',
      '{"$text": "/etc/passwd"}',
    ].join('\n');
    const { task, changed } = await attempt(
      HOSTILE,
      hostile({
        name: 'injection-api',
        description,
        notesFile: '${{ 7*7 }}',
      }),
    );
    expect(task.status).toBe('completed');
    // The template's own output renders the parameter once, not its content.
    expect(task.output.text[1]).toEqual({
      title: 'Description',
      content: description,
    });
    const files = tree('injection-api.git');
    expect(files['README.md'].content).toBe(
      `# injection-api\n\n${description}\n`,
    );
    expect(files['docs/${{ 7*7 }}.md'].content).toBe(`${description}\n`);
    const component = await entity('component:default/injection-api');
    expect(component.metadata.description).toBe(description);
    expect(component.spec.owner).toBe(OWNER);
    expect(git('injection-api.git', 'log', '-1', '--format=%B')).toContain(
      description,
    );
    expect(changed).toEqual([]);
    expect(fs.readdirSync(markers)).toEqual([]);
    expect(await backendIsUp()).toBe(200);
  });

  it('the real TypeScript service template quotes a hostile description in catalog-info.yaml', async () => {
    const description =
      '{"$text": "/etc/passwd"}\nowner: group:default/platform-team\n${{ 7*7 }}';
    const { task, changed } = await attempt(TYPESCRIPT, {
      name: 'hostile-ts',
      description,
      owner: OWNER,
      lifecycle: 'experimental',
      runtime: 'node22',
      port: 8080,
    });
    expect(task.status).toBe('completed');
    const component = await entity('component:default/hostile-ts');
    expect(component.metadata.description).toBe(description);
    expect(component.spec.owner).toBe(OWNER);
    expect(JSON.stringify(component)).not.toContain(passwdLine);
    expect(changed).toEqual([]);
  });

  it.each([
    ['expression-constructor', {}],
    ['expression-range', {}],
    ['expression-dynamic-key', { target: 'x', key: 'constructor' }],
  ])(
    'a template expression that reaches for the process (%s) is not run',
    async (attack, extra) => {
      const { task, log, changed } = await attempt(UNCHECKED, {
        attack,
        marker: marker(attack),
        ...extra,
      });
      // The sandbox refuses to evaluate it; the step gets the text as is.
      expect(task.status).toBe('completed');
      expect(log).toContain('("return process');
      expect(fs.existsSync(marker(attack))).toBe(false);
      expect(changed).toEqual([]);
      expect(await backendIsUp()).toBe(200);
    },
  );
});

describe('shell metacharacters in parameters', () => {
  it('reach git as one argument: the commit message holds them and no command runs', async () => {
    const lines = [
      `$(touch ${marker('subshell')})`,
      `\`touch ${marker('backticks')}\``,
      `; touch ${marker('semicolon')}`,
      `| tee ${marker('pipe')}`,
      `&& touch ${marker('and')}`,
      `' ; touch ${marker('single-quote')} ; '`,
      `" ; touch ${marker('double-quote')} ; "`,
      `touch ${marker('newline')}`,
    ];
    const description = lines.join('\n');
    const { task, changed } = await attempt(
      HOSTILE,
      hostile({ name: 'shell-api', description }),
    );
    expect(task.status).toBe('completed');
    expect(fs.readdirSync(markers)).toEqual([]);
    expect(changed).toEqual([]);
    expect(git('shell-api.git', 'log', '-1', '--format=%B')).toBe(
      `Initial commit\n\n${description}\n\n`,
    );
    expect(tree('shell-api.git')['README.md'].content).toBe(
      `# shell-api\n\n${description}\n`,
    );
  });

  it('are refused in a repository name', async () => {
    const repos = repositories();
    const { task, log, changed } = await attempt(
      HOSTILE,
      hostile({ name: `svc-$(touch ${marker('name')})` }),
    );
    expect(task.status).toBe('failed');
    expect(log).toContain('Names are lower-case kebab-case');
    expect(fs.readdirSync(markers)).toEqual([]);
    expect(changed).toEqual([]);
    expect(repositories()).toEqual(repos);
  });
});

describe('symbolic links', () => {
  it('skeleton links out of the template are not copied; links inside are published as links', async () => {
    const { task, changed } = await attempt(SYMLINK, {
      name: 'links-api',
      owner: OWNER,
      attack: 'none',
    });
    expect(task.status).toBe('completed');
    expect(changed).toEqual([]);
    const files = tree('links-api.git');
    // secret-abs, secret-rel, etc, passwd and dangling are left out.
    expect(Object.keys(files).sort()).toEqual([
      'catalog-info.yaml',
      'inside-link',
      'inside.txt',
      'plain/door',
      'plain/inner/victim.txt',
    ]);
    expect(files['inside-link']).toEqual({
      mode: '120000',
      content: 'inside.txt',
    });
    // A link to outside the workspace is committed as a link, not followed.
    expect(files['plain/door']).toEqual({
      mode: '120000',
      content: path.join(fixtures, 'symlink-path/linked/inner'),
    });
    const contents = Object.values(files)
      .map(f => f.content)
      .join('\n');
    expect(contents).not.toContain(SECRET);
    expect(contents).not.toContain(passwdLine);
  });

  it.each([
    ['write-through', 'fetch:plain into a linked directory'],
    ['write-dangling', 'fetch:plain into a dangling link'],
    ['delete-through', 'fs:delete of a glob that follows a link'],
    ['rename-to-link', 'fs:rename into a linked directory'],
    ['rename-from-link', 'fs:rename out of a linked directory'],
    ['readdir-through', 'fs:readdir of a linked directory'],
  ])('refuses %s (%s) outside the workspace', async (attack, _what) => {
    const repos = repositories();
    const { task, log, changed } = await attempt(SYMLINK, {
      name: `${attack}-api`,
      owner: OWNER,
      attack,
    });
    expect(task.status).toBe('failed');
    expect(log).toContain(OUTSIDE_PARENT);
    expect(changed).toEqual([]);
    expect(repositories()).toEqual(repos);
  });

  it('debug:log with contents lists a file behind a link without reading it', async () => {
    const { task, log, changed } = await attempt(SYMLINK, {
      name: 'log-through-api',
      owner: OWNER,
      attack: 'log-through',
    });
    expect(task.status).toBe('completed');
    expect(log).toContain('plain/door/victim.txt: [skipped]');
    expect(log).not.toContain(VICTIM);
    expect(changed).toEqual([]);
  });
});

describe('built-in actions given paths outside the workspace', () => {
  it.each([
    ['fs:delete', '../../outside/victim.txt', 'delete'],
    ['fs:delete', '../../outside/*', 'delete'],
    ['fs:delete', '<outside>/victim.txt', 'delete'],
    ['fs:rename from', '../../outside/victim.txt', 'rename-from'],
    ['fs:rename onto', '../../outside/victim.txt', 'rename-to'],
    ['fs:rename onto', '<outside>/planted.txt', 'rename-to'],
    ['fs:readdir', '../../outside', 'readdir'],
    ['fs:readdir', '/etc', 'readdir'],
    ['fetch:plain', '../../outside', 'fetch-plain'],
    ['fetch:plain:file', '../../outside/secret.txt', 'fetch-file'],
  ])(
    '%s %j is refused and nothing outside changes',
    async (_action, target, attack) => {
      const { task, log, changed } = await attempt(UNCHECKED, {
        attack,
        target: target.replace('<outside>', outside),
      });
      expect(task.status).toBe('failed');
      expect(log).toContain(OUTSIDE_PARENT);
      expect(log).not.toContain(SECRET);
      expect(changed).toEqual([]);
    },
  );

  it.each([
    ['fetch:plain', '<ssrf>/internal/tree', 'fetch-plain'],
    ['fetch:plain:file', '<ssrf>/internal/file', 'fetch-file'],
    ['fetch:plain:file', 'file:///etc/passwd', 'fetch-file'],
  ])(
    '%s of %j is refused: the URL is on no integration or backend.reading.allow',
    async (_action, target, attack) => {
      const url = target.replace('<ssrf>', ssrfUrl);
      const { task, log, changed } = await attempt(UNCHECKED, {
        attack,
        target: url,
      });
      expect(task.status).toBe('failed');
      expect(log).toContain(`Reading from '${url}' is not allowed`);
      expect(ssrfHits).toEqual([]);
      expect(log).not.toContain(passwdLine);
      expect(changed).toEqual([]);
    },
  );

  it('a host on backend.reading.allow cannot redirect a fetch to one that is not', async () => {
    const direct = await attempt(UNCHECKED, {
      attack: 'fetch-file',
      target: `${allowedUrl}/file`,
    });
    expect(direct.task.status).toBe('completed');
    const { task, log, changed } = await attempt(UNCHECKED, {
      attack: 'fetch-file',
      target: `${allowedUrl}/redirect`,
    });
    expect(task.status).toBe('failed');
    expect(log).toContain(
      `URL not allowed by backend.reading.allow configuration: ${ssrfUrl}/internal`,
    );
    expect(allowedHits).toEqual(['/file', '/redirect']);
    expect(ssrfHits).toEqual([]);
    expect(changed).toEqual([]);
  });
});
