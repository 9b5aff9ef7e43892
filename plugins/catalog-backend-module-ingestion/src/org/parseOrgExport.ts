import type { GroupEntity, UserEntity } from '@backstage/catalog-model';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  isMap,
  isNode,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
} from 'yaml';

/** A row of the export, with its line. */
interface Row {
  line: number;
  values: Record<string, unknown>;
}

export interface OrgProblem {
  line?: number;
  message: string;
}

export interface OrgImport {
  users: Array<{ line: number; entity: UserEntity }>;
  groups: Array<{ line: number; entity: GroupEntity }>;
  /** Rows refused (skipped) or parts dropped, each with its line. */
  problems: OrgProblem[];
}

/** Annotation with a user's manager, or a group's lead (`user:default/name`). */
export const ANNOTATION_MANAGER = 'portal.dev/manager';

/**
 * Thrown when the export as a whole cannot be used (broken CSV quoting, a
 * missing required column, not the expected YAML shape): nothing of it is
 * imported, and the last good import stays.
 */
export class OrgExportError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'OrgExportError';
  }
}

const COLUMNS = [
  'kind',
  'name',
  'displayname',
  'email',
  'picture',
  'parent',
  'groups',
  'manager',
  'type',
  'description',
];
const NAME = /^[a-z0-9A-Z]+(?:[-_.][a-z0-9A-Z]+)*$/;

/**
 * Reads an HR or directory export of people and teams.
 *
 * CSV: a header row with at least `kind` (`user` or `group`) and `name`;
 * optional `displayName`, `email`, `picture`, `description`, `type` (group
 * type, default `team`), `parent` (a group's parent group), `groups` (a
 * user's groups, separated by `;`), `manager` (a user's manager, or a
 * group's lead: a user name).
 *
 * YAML: `{ groups: [...], users: [...] }` with the same fields (`groups` of
 * a user as a list).
 *
 * A bad row is skipped and reported with its line; references to people or
 * groups not in the export are reported and dropped; cycles in the group
 * hierarchy are refused.
 */
export function parseOrgExport(
  text: string,
  format: 'csv' | 'yaml',
): OrgImport {
  const rows = format === 'csv' ? csvRows(text) : yamlRows(text);
  return buildEntities(rows);
}

/** Space, tab, CR and LF: what an empty line skipped by csv-parse holds. */
const BLANK = new Set([0x20, 0x09, 0x0d, 0x0a]);

function countLineFeeds(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (bytes[i] === 0x0a) count++;
  return count;
}

function csvRows(text: string): Row[] {
  let records: Array<{
    record: string[];
    info: { bytes: number };
  }>;
  try {
    records = parseCsv(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (error) {
    // The line from the byte offset, as for rows below (csv-parse counts a
    // CRLF inside quotes as two lines, past the end of the file).
    const e = error as Error & { bytes?: number };
    const bytes = Buffer.from(text, 'utf8');
    throw new OrgExportError(
      `CSV cannot be read: ${e.message.replace(/ at line \d+/, '')}`,
      e.bytes === undefined
        ? undefined
        : 1 + countLineFeeds(bytes, 0, Math.min(e.bytes, bytes.length)),
    );
  }
  if (records.length === 0)
    throw new OrgExportError('CSV is empty; expected a header row');
  const header = records[0].record.map(h => h.toLocaleLowerCase('en-US'));
  for (const required of ['kind', 'name']) {
    if (!header.includes(required)) {
      throw new OrgExportError(
        `CSV header has no "${required}" column (found: ${records[0].record.join(
          ', ',
        )})`,
        1,
      );
    }
  }
  const unknown = header.filter(h => !COLUMNS.includes(h));
  if (unknown.length > 0) {
    throw new OrgExportError(
      `CSV header has unknown columns: ${unknown.join(
        ', ',
      )}; known: ${COLUMNS.join(', ')}`,
      1,
    );
  }
  // The line of a record is where its first character is, after the empty
  // lines csv-parse skipped (its own `lines` and `raw` are off after CRLF
  // inside quotes and after empty lines): counted from the byte offsets.
  const bytes = Buffer.from(text, 'utf8');
  let offset = records[0].info.bytes;
  let atLine = 1 + countLineFeeds(bytes, 0, offset);
  return records.slice(1).map(({ record, info }) => {
    while (offset < info.bytes && BLANK.has(bytes[offset])) {
      if (bytes[offset] === 0x0a) atLine++;
      offset++;
    }
    const line = atLine;
    atLine += countLineFeeds(bytes, offset, info.bytes);
    offset = info.bytes;
    if (record.length !== header.length) {
      return {
        line,
        values: {
          __columns: `has ${record.length} fields, the header has ${header.length}`,
        },
      };
    }
    const values: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (record[i] !== '')
        values[h] =
          h === 'groups'
            ? record[i]
                .split(';')
                .map(g => g.trim())
                .filter(Boolean)
            : record[i];
    });
    return { line, values };
  });
}

function yamlRows(text: string): Row[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new OrgExportError(
      `YAML syntax error: ${e.message.split('\n')[0]}`,
      lineCounter.linePos(e.pos[0]).line,
    );
  }
  if (!isMap(doc.contents))
    throw new OrgExportError(
      'YAML export must be a map with "groups" and "users" lists',
      1,
    );
  const rows: Row[] = [];
  for (const pair of doc.contents.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const kinds: Record<string, string> = { groups: 'group', users: 'user' };
    // Own keys only: not "constructor", "toString" or "__proto__".
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    if (!kind) {
      throw new OrgExportError(
        `unknown top-level key "${key}"; expected groups and users`,
        lineOf(pair.key as Node, lineCounter),
      );
    }
    if (!isSeq(pair.value))
      throw new OrgExportError(
        `"${key}" must be a list`,
        lineOf(pair.key as Node, lineCounter),
      );
    for (const item of pair.value.items) {
      const line = lineOf(item as Node, lineCounter);
      // A null entry is null, not its node; a YAML 1.1 merge of an alias
      // throws (aliases are not resolved here).
      let values: unknown;
      try {
        values = isNode(item) ? item.toJSON() : item;
      } catch (error) {
        rows.push({
          line,
          values: {
            __columns: `entry cannot be read: ${(error as Error).message}`,
          },
        });
        continue;
      }
      if (
        values === null ||
        typeof values !== 'object' ||
        Array.isArray(values)
      ) {
        rows.push({ line, values: { __columns: 'entry is not a map' } });
        continue;
      }
      const lowered: Record<string, unknown> = { kind };
      for (const [k, v] of Object.entries(values)) {
        // An own property even for "__proto__" (an assignment would replace
        // the prototype instead), so that the row is refused below.
        Object.defineProperty(lowered, k.toLocaleLowerCase('en-US'), {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      rows.push({ line, values: lowered });
    }
  }
  return rows;
}

function lineOf(node: Node | undefined, lineCounter: LineCounter): number {
  return lineCounter.linePos(node?.range?.[0] ?? 0).line;
}

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function buildEntities(rows: Row[]): OrgImport {
  const out: OrgImport = { users: [], groups: [], problems: [] };
  const seen = new Map<string, number>();
  const accepted: Array<Row & { kind: 'user' | 'group'; name: string }> = [];
  for (const row of rows) {
    const v = row.values;
    if (typeof v.__columns === 'string') {
      out.problems.push({
        line: row.line,
        message: `row skipped: ${v.__columns}`,
      });
      continue;
    }
    if (Object.keys(v).includes('__proto__')) {
      out.problems.push({
        line: row.line,
        message: 'row skipped: forbidden key "__proto__"',
      });
      continue;
    }
    const unknown = Object.keys(v).filter(k => !COLUMNS.includes(k));
    if (unknown.length > 0) {
      out.problems.push({
        line: row.line,
        message: `row skipped: unknown fields ${unknown.join(', ')}`,
      });
      continue;
    }
    const kind = str(v, 'kind')?.toLocaleLowerCase('en-US');
    const name = str(v, 'name');
    if (kind !== 'user' && kind !== 'group') {
      out.problems.push({
        line: row.line,
        message: `row skipped: kind must be user or group, got "${
          v.kind ?? ''
        }"`,
      });
      continue;
    }
    if (!name || name.length > 63 || !NAME.test(name)) {
      out.problems.push({
        line: row.line,
        message: `row skipped: name "${
          name ?? ''
        }" is not a valid entity name (letters, digits and -_. between them, at most 63)`,
      });
      continue;
    }
    const email = str(v, 'email');
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) {
      out.problems.push({
        line: row.line,
        message: `row skipped: email "${email}" is not an e-mail address`,
      });
      continue;
    }
    const picture = str(v, 'picture');
    if (picture && !/^https?:\/\//i.test(picture)) {
      out.problems.push({
        line: row.line,
        message: `row skipped: picture must be an http(s) URL`,
      });
      continue;
    }
    const key = `${kind}:${name.toLocaleLowerCase('en-US')}`;
    if (seen.has(key)) {
      out.problems.push({
        line: row.line,
        message: `row skipped: ${kind} ${name} already defined on line ${seen.get(
          key,
        )}`,
      });
      continue;
    }
    seen.set(key, row.line);
    accepted.push({ ...row, kind, name });
  }

  const groupNames = new Set(
    accepted
      .filter(r => r.kind === 'group')
      .map(r => r.name.toLocaleLowerCase('en-US')),
  );
  const userNames = new Set(
    accepted
      .filter(r => r.kind === 'user')
      .map(r => r.name.toLocaleLowerCase('en-US')),
  );
  const knownGroup = (g: string) =>
    groupNames.has(g.toLocaleLowerCase('en-US'));

  // Parents that exist, then refuse groups in a cycle.
  const parents = new Map<string, string | undefined>();
  for (const r of accepted.filter(x => x.kind === 'group')) {
    const parent = str(r.values, 'parent');
    if (parent && !knownGroup(parent)) {
      out.problems.push({
        line: r.line,
        message: `group ${r.name}: parent "${parent}" is not in the export; parent dropped`,
      });
      parents.set(r.name.toLocaleLowerCase('en-US'), undefined);
    } else {
      parents.set(
        r.name.toLocaleLowerCase('en-US'),
        parent?.toLocaleLowerCase('en-US'),
      );
    }
  }
  const inCycle = new Set<string>();
  for (const start of parents.keys()) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at && !path.includes(at)) {
      path.push(at);
      at = parents.get(at);
    }
    if (at && at === start) path.forEach(p => inCycle.add(p));
  }

  const managerRef = (r: Row & { name: string }, what: string) => {
    const manager = str(r.values, 'manager');
    if (!manager) return undefined;
    if (!userNames.has(manager.toLocaleLowerCase('en-US'))) {
      out.problems.push({
        line: r.line,
        message: `${what} ${r.name}: manager "${manager}" is not in the export; dropped`,
      });
      return undefined;
    }
    return `user:default/${manager.toLocaleLowerCase('en-US')}`;
  };

  for (const r of accepted) {
    const lower = r.name.toLocaleLowerCase('en-US');
    const profile = {
      ...(str(r.values, 'displayname')
        ? { displayName: str(r.values, 'displayname') }
        : {}),
      ...(str(r.values, 'email') ? { email: str(r.values, 'email') } : {}),
      ...(str(r.values, 'picture')
        ? { picture: str(r.values, 'picture') }
        : {}),
    };
    const description = str(r.values, 'description');
    if (r.kind === 'group') {
      if (inCycle.has(lower)) {
        out.problems.push({
          line: r.line,
          message: `group ${r.name} skipped: its parents form a cycle`,
        });
        continue;
      }
      const manager = managerRef(r, 'group');
      const parent = parents.get(lower);
      const children = [...parents.entries()]
        .filter(([child, p]) => p === lower && !inCycle.has(child))
        .map(([child]) => child)
        .sort();
      out.groups.push({
        line: r.line,
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: {
            name: r.name,
            ...(description ? { description } : {}),
            ...(manager
              ? { annotations: { [ANNOTATION_MANAGER]: manager } }
              : {}),
          },
          spec: {
            type: str(r.values, 'type') ?? 'team',
            profile,
            ...(parent && !inCycle.has(parent) ? { parent } : {}),
            children,
          },
        },
      });
    } else {
      const raw = r.values.groups;
      const groups = (Array.isArray(raw) ? raw : [raw]).filter(
        (g): g is string => typeof g === 'string',
      );
      const memberOf: string[] = [];
      for (const g of groups) {
        if (knownGroup(g) && !inCycle.has(g.toLocaleLowerCase('en-US')))
          memberOf.push(g);
        else
          out.problems.push({
            line: r.line,
            message: `user ${r.name}: group "${g}" is not in the export; membership dropped`,
          });
      }
      const manager = managerRef(r, 'user');
      out.users.push({
        line: r.line,
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: {
            name: r.name,
            ...(description ? { description } : {}),
            ...(manager
              ? { annotations: { [ANNOTATION_MANAGER]: manager } }
              : {}),
          },
          spec: { profile, memberOf },
        },
      });
    }
  }
  out.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return out;
}
