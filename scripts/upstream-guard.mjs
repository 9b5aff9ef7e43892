#!/usr/bin/env node
// The upstream guard (a step of `./portal test`): the portal runs on
// unmodified Backstage and touches only its own tables.
//
// Fails when
// - a package.json (root or workspace) resolves a dependency with `patch:`,
//   .yarn/patches holds a file, or yarn.lock has a patch that is not one of
//   Yarn's own built-in compatibility patches;
// - our code (plugins, packages, bench, scripts, e2e) names, in a knex call
//   or in raw SQL, a table that none of our migrations creates: the tables
//   of the catalog, the scaffolder and every other plugin are theirs.
//
// Usage: node scripts/upstream-guard.mjs [--root <dir>]
// Prints one line per finding ("file:line: what") and exits 1 on any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const CODE_DIRS = ['plugins', 'packages', 'bench', 'scripts', 'e2e'];
const CODE_FILE = /\.(?:[cm]?js|tsx?)$/;
const SKIP_DIR = new Set(['node_modules', 'dist', 'dist-types', '.git']);
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIP_DIR.has(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) walk(path, out);
    else if (CODE_FILE.test(name)) out.push(path);
  }
  return out;
}

function lineOf(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Blanks out comments, keeping offsets (and so line numbers) intact. */
function withoutComments(text) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
      continue;
    }
    if (c === '/' && next === '*') {
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        out += text[i] === '\n' ? '\n' : ' ';
        i++;
      }
      out += '  ';
      i += 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    out += c;
    i++;
  }
  return out;
}

/** The string or template literal starting at `index`, or undefined. */
function literalAt(text, index) {
  const quote = text[index];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  let i = index + 1;
  let value = '';
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\') {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (quote === '`' && text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      for (; i < text.length; i++) {
        if (text[i] === '{') depth++;
        if (text[i] === '}' && --depth === 0) break;
      }
      value += ' ${} ';
      i++;
      continue;
    }
    value += text[i++];
  }
  return value;
}

/** Tables the migrations of the packages in `base` create. */
function migrationTables(base) {
  const tables = new Set();
  if (!existsSync(base)) return tables;
  for (const pkg of readdirSync(base)) {
    const dir = join(base, pkg, 'migrations');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (!CODE_FILE.test(file)) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      const create =
        /\b(?:createTable(?:IfNotExists)?|renameTable\(\s*['"]\w+['"]\s*,)\s*\(?\s*['"](\w+)['"]/g;
      for (const m of text.matchAll(create)) tables.add(m[1].toLowerCase());
    }
  }
  return tables;
}

/** Tables our migrations create (plugins/<name>/migrations/*.js). */
function ownTables(root) {
  return migrationTables(join(root, 'plugins'));
}

/**
 * Tables of installed Backstage plugins (their migrations), for names
 * that reach our SQL through a variable: a string literal that is exactly
 * such a name (with an underscore, so not a plugin id like "search").
 */
function upstreamTables(root) {
  const tables = migrationTables(join(root, 'node_modules', '@backstage'));
  return new Set([...tables].filter(t => t.includes('_')));
}

const SYSTEM =
  /^(?:pg_\w+|information_schema|knex_migrations\w*|\w+__knex_migrations\w*)$/i;
// Words before FROM that make it part of an expression, not a table list.
const NOT_A_TABLE_LIST =
  /\b(?:EPOCH|YEAR|MONTH|DAY|HOUR|MINUTE|SECOND|DOW|DOY|WEEK|ISODOW|DISTINCT|BOTH|LEADING|TRAILING)\s+$/i;

/** Table names used in one SQL text (raw SQL of a knex or pg call). */
function tablesInSql(sql) {
  const local = new Set();
  for (const m of sql.matchAll(
    new RegExp(
      `\\b(${IDENT})\\s*(?:\\([^)]*\\))?\\s+AS\\s+(?:NOT\\s+)?(?:MATERIALIZED\\s+)?\\(`,
      'gi',
    ),
  ))
    local.add(m[1].toLowerCase());
  // Tables the same SQL creates (a benchmark's own baseline table).
  for (const m of sql.matchAll(
    new RegExp(
      `\\bCREATE\\s+(?:TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"?(${IDENT})`,
      'gi',
    ),
  ))
    local.add(m[1].toLowerCase());
  const found = [];
  const patterns = [
    // A name followed by "(" after FROM or JOIN is a function.
    new RegExp(
      `\\b(?:FROM|JOIN)\\s+(?:ONLY\\s+)?"?(${IDENT}(?:\\.${IDENT})?)\\b"?(?!\\s*\\()`,
      'gi',
    ),
    new RegExp(
      `\\b(?:UPDATE|INTO)\\s+(?:ONLY\\s+)?"?(${IDENT}(?:\\.${IDENT})?)\\b`,
      'gi',
    ),
    new RegExp(
      `\\bTABLE\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(?:ONLY\\s+)?"?(${IDENT})"?`,
      'gi',
    ),
    new RegExp(
      `\\bINDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:${IDENT}\\s+)?ON\\s+(?:ONLY\\s+)?"?(${IDENT})"?`,
      'gi',
    ),
    new RegExp(
      `\\bTRIGGER\\s+(?:IF\\s+EXISTS\\s+)?${IDENT}\\s+(?:(?:BEFORE|AFTER|INSTEAD\\s+OF)\\s+[\\w\\s,]+?\\s+)?ON\\s+"?(${IDENT})"?`,
      'gi',
    ),
    new RegExp(
      `\\b(?:VACUUM|ANALYZE)\\b\\s*(?:\\([^)]*\\)\\s*)?"?(${IDENT})"?`,
      'gi',
    ),
  ];
  for (const pattern of patterns) {
    for (const m of sql.matchAll(pattern)) {
      if (/^FROM/i.test(m[0]) && NOT_A_TABLE_LIST.test(sql.slice(0, m.index)))
        continue;
      const name = m[1].toLowerCase();
      if (local.has(name)) continue;
      found.push(name);
    }
  }
  return found;
}

const KEYWORDS = new Set([
  'select',
  'set',
  'values',
  'where',
  'lateral',
  'only',
  'if',
  'exists',
  'not',
  'verbose',
  'full',
  'freeze',
  'skip_locked',
  'concurrently',
  'current',
  'analyze',
  'analyse',
]);

/**
 * Table references in one source file's code (comments blanked out). A
 * table the file creates itself is its own, unless another plugin has one
 * of that name.
 */
function tableReferences(code, upstream = new Set()) {
  const refs = [];
  const localCtes = new Set(
    [
      ...code.matchAll(/\.with(?:Recursive|Materialized)?\(\s*['"](\w+)['"]/g),
    ].map(m => m[1].toLowerCase()),
  );
  // Tables the same file creates in its SQL (a benchmark's own scratch
  // table, read again by a later statement).
  const fileTables = new Set(
    [
      ...code.matchAll(
        /\bCREATE\s+(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)/gi,
      ),
    ]
      .map(m => m[1].toLowerCase())
      .filter(t => !upstream.has(t)),
  );
  const add = (index, name, how) => {
    const table = name.split(/\s+as\s+|\s+/i)[0].toLowerCase();
    if (
      !table ||
      KEYWORDS.has(table) ||
      localCtes.has(table) ||
      fileTables.has(table)
    )
      return;
    refs.push({ line: lineOf(code, index), table, how });
  };
  // knex query builders: knex('table'), this.knex('t as x'), tx('t').
  for (const m of code.matchAll(
    /\b\w*(?:knex|Knex|tx|trx|Tx)\s*\(\s*(['"`])(\w+(?:\s+as\s+\w+)?)\1/g,
  ))
    add(m.index, m[2], 'knex query');
  for (const m of code.matchAll(
    /\.(?:from|into|table|leftJoin|innerJoin|rightJoin|leftOuterJoin|rightOuterJoin|fullOuterJoin|crossJoin|joinRaw|hasTable|alterTable|dropTable|dropTableIfExists|truncate|createTable|createTableIfNotExists)\(\s*(['"`])(\w+(?:\s+as\s+\w+)?)\1/g,
  )) {
    const before = code.slice(Math.max(0, m.index - 12), m.index);
    if (/\b(?:Array|Buffer|Uint8Array|Object|Set|Map)$/.test(before)) continue;
    add(m.index, m[2], 'knex query');
  }
  // Raw SQL handed to knex or pg.
  for (const m of code.matchAll(
    /(?:\.(?:raw|query|whereRaw|orWhereRaw|havingRaw|orderByRaw|fromRaw|joinRaw)|\bpsql(?:Async)?)\(\s*/g,
  )) {
    const sql = literalAt(code, m.index + m[0].length);
    if (sql === undefined) continue;
    for (const table of tablesInSql(sql)) add(m.index, table, 'SQL');
  }
  return refs;
}

function packageManifests(root) {
  const manifests = [join(root, 'package.json')];
  for (const dir of ['packages', 'plugins']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = join(base, name, 'package.json');
      if (existsSync(file)) manifests.push(file);
    }
  }
  return manifests;
}

/** Every finding under `root`, and how many tables our migrations create. */
export function check(root) {
  const findings = [];
  const rel = file => relative(root, file) || file;

  for (const manifest of packageManifests(root)) {
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const field of [
      'resolutions',
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        if (String(range).includes('patch:')) {
          findings.push(
            `${rel(
              manifest,
            )}: ${field}["${name}"] patches an upstream package (${range}); extend it through its public API and put the change under docs/upstream/`,
          );
        }
      }
    }
  }
  const patches = join(root, '.yarn', 'patches');
  if (existsSync(patches)) {
    for (const file of readdirSync(patches)) {
      findings.push(
        `.yarn/patches/${file}: a patch of an upstream package; proposals belong under docs/upstream/, not applied`,
      );
    }
  }
  const lock = join(root, 'yarn.lock');
  if (existsSync(lock)) {
    const text = readFileSync(lock, 'utf8');
    for (const m of text.matchAll(/^"?([^\s"]+@patch:[^\n]*?)"?:\s*$/gm)) {
      if (m[1].includes('optional!builtin<')) continue;
      findings.push(
        `yarn.lock:${lineOf(
          text,
          m.index,
        )}: resolves a patched package (${m[1].slice(0, 120)})`,
      );
    }
  }

  const own = ownTables(root);
  const upstream = upstreamTables(root);
  for (const dir of CODE_DIRS) {
    for (const file of walk(join(root, dir))) {
      // The guard and its test (whose fixtures break every rule on purpose).
      if (/(?:upstream-guard\.mjs|upstreamGuard\.test\.ts)$/.test(file))
        continue;
      const code = withoutComments(readFileSync(file, 'utf8'));
      const refs = tableReferences(code, upstream);
      for (const m of code.matchAll(/(['"`])(\w+)\1/g)) {
        const name = m[2].toLowerCase();
        if (upstream.has(name) && !own.has(name)) {
          refs.push({
            line: lineOf(code, m.index),
            table: name,
            how: 'string',
          });
        }
      }
      const seen = new Set();
      for (const ref of refs) {
        const key = `${ref.line}:${ref.table}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (own.has(ref.table) || SYSTEM.test(ref.table)) continue;
        if (ref.table.includes('.')) {
          const [schema] = ref.table.split('.');
          if (SYSTEM.test(schema) || schema === 'pg_catalog') continue;
        }
        findings.push(
          `${rel(file)}:${ref.line}: ${ref.how} names table "${
            ref.table
          }", which none of our migrations creates (another plugin's table: use its API)`,
        );
      }
    }
  }
  return { findings, ownTableCount: own.size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--root');
  const root =
    at > 0 ? process.argv[at + 1] : new URL('..', import.meta.url).pathname;
  const { findings, ownTableCount } = check(root);
  for (const f of findings) console.log(f);
  if (findings.length > 0) {
    console.log(`upstream guard: ${findings.length} finding(s)`);
    process.exit(1);
  }
  console.log(
    `upstream guard: no patched packages; our code names only the ${ownTableCount} tables of our migrations`,
  );
}
