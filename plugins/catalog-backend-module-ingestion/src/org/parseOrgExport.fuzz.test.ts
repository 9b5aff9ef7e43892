import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import YAML from 'yaml';
import {
  ANNOTATION_MANAGER,
  OrgExportError,
  OrgImport,
  parseOrgExport,
} from './parseOrgExport';

/*
 * Property-based fuzzing of parseOrgExport (HR / directory exports as CSV or
 * YAML). Contract: the export as a whole is refused with an OrgExportError
 * (message, and a line where the parser knows one); a bad row is skipped
 * and reported as a problem with its line; nothing else is ever thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x0_5eed_0a6;
const MAX_PARSE_MS = 2_000;
/** Generated inputs per property. */
const RUNS = {
  validCsv: 1_000,
  validYaml: 800,
  garbage: 2_500,
  notMaps: 300,
  pollution: 1_200,
};

const NAME = /^[a-z0-9A-Z]+(?:[-_.][a-z0-9A-Z]+)*$/;
const COLUMNS = [
  'kind',
  'name',
  'displayName',
  'email',
  'picture',
  'parent',
  'groups',
  'manager',
  'type',
  'description',
];

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('parseOrgExport', SEED);

type Outcome = fuzz.Attempt<OrgImport>;

function run(text: string, format: 'csv' | 'yaml'): Outcome {
  return inputs.attempt(() => parseOrgExport(text, format));
}

const lineCount = (text: string) => text.split(/\r\n|\r|\n/).length;

/** No leaked JS internals, nor `undefined`, in a message. */
const LEAKS = /\[object Object\]|\bundefined\b|\bfunction\b|\[native code\]/;

function expectLine(line: unknown, text: string) {
  expect(Number.isInteger(line)).toBe(true);
  expect(line).toBeGreaterThanOrEqual(1);
  expect(line).toBeLessThanOrEqual(lineCount(text));
}

/** What holds for every input, whatever its shape. */
function expectContract(text: string, outcome: Outcome): OrgImport | undefined {
  fuzz.expectNoPollution();
  if ('error' in outcome) {
    const { error } = outcome;
    expect(error).toBeInstanceOf(OrgExportError);
    const e = error as OrgExportError;
    expect(e.name).toBe('OrgExportError');
    fuzz.expectReadable(e.message, { leaks: LEAKS });
    if (e.line !== undefined) expectLine(e.line, text);
    return undefined;
  }
  const { value: result } = outcome;
  expect(fuzz.unsafeObjects(result)).toEqual([]);
  for (const p of result.problems) {
    fuzz.expectReadable(p.message, { leaks: LEAKS });
    expectLine(p.line, text);
  }
  const lines = result.problems.map(p => p.line ?? 0);
  expect([...lines].sort((a, b) => a - b)).toEqual(lines);

  const lower = (s: string) => s.toLocaleLowerCase('en-US');
  const users = new Set(result.users.map(u => lower(u.entity.metadata.name)));
  const groups = new Set(result.groups.map(g => lower(g.entity.metadata.name)));
  // Names are valid and unique; every reference points into the import.
  expect(users.size).toBe(result.users.length);
  expect(groups.size).toBe(result.groups.length);
  for (const { line, entity } of [...result.users, ...result.groups]) {
    expectLine(line, text);
    expect(entity.metadata.name).toMatch(NAME);
    expect(entity.metadata.name.length).toBeLessThanOrEqual(63);
    const manager = entity.metadata.annotations?.[ANNOTATION_MANAGER];
    if (manager !== undefined)
      expect(users.has(manager.replace(/^user:default\//, ''))).toBe(true);
  }
  for (const { entity } of result.users)
    for (const g of entity.spec.memberOf ?? [])
      expect(groups.has(lower(g))).toBe(true);
  for (const { entity } of result.groups) {
    if (entity.spec.parent !== undefined)
      expect(groups.has(entity.spec.parent)).toBe(true);
    for (const c of entity.spec.children) expect(groups.has(c)).toBe(true);
  }
  return result;
}

function checkAny(text: string, format: 'csv' | 'yaml') {
  expectContract(text, run(text, format));
}

// ---------------------------------------------------------------------------
// A valid organisation, as the generators build it.

interface Person {
  name: string;
  displayName?: string;
  email?: string;
  picture?: string;
  description?: string;
  groups: string[];
  manager?: string;
}
interface Team {
  name: string;
  displayName?: string;
  type?: string;
  description?: string;
  parent?: string;
  manager?: string;
}
interface Org {
  users: Person[];
  teams: Team[];
}

const entityName = fc
  .stringMatching(/^[a-zA-Z0-9]{1,8}(?:[-_.][a-zA-Z0-9]{1,8}){0,3}$/)
  .filter(s => s.length <= 63);

/** Free text with the characters CSV and YAML writers must take care of. */
const freeText = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      fc.constantFrom(
        ',',
        '"',
        '""',
        "'",
        ';',
        '\n',
        '\r\n',
        '\t',
        ' ',
        '#',
        ': ',
        '- ',
        '\ufeff',
        'é',
        '日本',
        '👩‍💻',
        'null',
        'true',
        '1e400',
      ),
    ),
    { maxLength: 8 },
  )
  .map(parts => parts.join(''));

const org: fc.Arbitrary<Org> = fc
  .record({
    userNames: fc.uniqueArray(entityName, {
      maxLength: 8,
      selector: s => s.toLowerCase(),
    }),
    teamNames: fc.uniqueArray(entityName, {
      maxLength: 6,
      selector: s => s.toLowerCase(),
    }),
    seeds: fc.array(
      fc.record({
        displayName: fc.option(freeText, { nil: undefined }),
        description: fc.option(freeText, { nil: undefined }),
        email: fc.option(
          fc
            .tuple(
              fc.stringMatching(/^[a-z0-9.+_-]{1,10}$/),
              fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,4}$/),
            )
            .map(([l, d]) => `${l}@${d}`),
          { nil: undefined },
        ),
        picture: fc.option(
          fc
            .tuple(
              fc.constantFrom('https', 'http', 'HTTPS'),
              fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,4}$/),
              fc.stringMatching(/^[a-zA-Z0-9/._~-]{0,20}$/),
            )
            .map(([scheme, host, path]) => `${scheme}://${host}/${path}`),
          { nil: undefined },
        ),
        type: fc.option(fc.constantFrom('team', 'department', 'squad'), {
          nil: undefined,
        }),
        pick: fc.array(fc.nat(), { maxLength: 3 }),
        manager: fc.option(fc.nat(), { nil: undefined }),
        parent: fc.option(fc.nat(), { nil: undefined }),
      }),
      { minLength: 14, maxLength: 14 },
    ),
  })
  .map(({ userNames, teamNames, seeds }) => {
    const teams: Team[] = teamNames.map((name, i) => {
      const s = seeds[i];
      return {
        name,
        displayName: s.displayName,
        description: s.description,
        type: s.type,
        // Parents come earlier in the list: no cycles.
        parent:
          s.parent !== undefined && i > 0 ? teamNames[s.parent % i] : undefined,
        manager:
          s.manager !== undefined && userNames.length > 0
            ? userNames[s.manager % userNames.length]
            : undefined,
      };
    });
    const users: Person[] = userNames.map((name, i) => {
      const s = seeds[seeds.length - 1 - i];
      return {
        name,
        displayName: s.displayName,
        description: s.description,
        email: s.email,
        picture: s.picture,
        groups:
          teamNames.length > 0
            ? [...new Set(s.pick.map(p => teamNames[p % teamNames.length]))]
            : [],
        manager:
          s.manager !== undefined
            ? userNames[s.manager % userNames.length]
            : undefined,
      };
    });
    return { users, teams };
  });

const expectedText = (s: string | undefined) =>
  s !== undefined && s.trim() !== '' ? s.trim() : undefined;

/** The import must hold exactly the generated organisation. */
function expectOrg(result: OrgImport, o: Org) {
  expect(result.problems).toEqual([]);
  expect(result.users.map(u => u.entity.metadata.name).sort()).toEqual(
    o.users.map(u => u.name).sort(),
  );
  expect(result.groups.map(g => g.entity.metadata.name).sort()).toEqual(
    o.teams.map(t => t.name).sort(),
  );
  const users = new Map(result.users.map(u => [u.entity.metadata.name, u]));
  for (const u of o.users) {
    const { entity } = users.get(u.name)!;
    expect(entity.spec.memberOf).toEqual(u.groups);
    expect(entity.spec.profile).toEqual(
      JSON.parse(
        JSON.stringify({
          displayName: expectedText(u.displayName),
          email: u.email,
          picture: u.picture,
        }),
      ),
    );
    expect(entity.metadata.description).toBe(expectedText(u.description));
    expect(entity.metadata.annotations?.[ANNOTATION_MANAGER]).toBe(
      u.manager && `user:default/${u.manager.toLowerCase()}`,
    );
  }
  const groups = new Map(result.groups.map(g => [g.entity.metadata.name, g]));
  for (const t of o.teams) {
    const { entity } = groups.get(t.name)!;
    expect(entity.spec.type).toBe(t.type ?? 'team');
    expect(entity.spec.parent).toBe(t.parent?.toLowerCase());
    expect(entity.spec.children).toEqual(
      o.teams
        .filter(c => c.parent === t.name)
        .map(c => c.name.toLowerCase())
        .sort(),
    );
    expect(entity.spec.profile?.displayName).toBe(expectedText(t.displayName));
    expect(entity.metadata.annotations?.[ANNOTATION_MANAGER]).toBe(
      t.manager && `user:default/${t.manager.toLowerCase()}`,
    );
  }
}

// ---------------------------------------------------------------------------
// CSV writing.

const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

interface CsvLayout {
  columns: string[];
  headerCase: boolean[];
  eol: '\n' | '\r\n';
  bom: boolean;
  quoteAll: boolean;
  blankLines: number[];
  pad: boolean;
  trailingEol: boolean;
}

const csvLayout: fc.Arbitrary<CsvLayout> = fc.record({
  columns: fc.shuffledSubarray(COLUMNS.slice(2)).chain(rest =>
    fc.shuffledSubarray(['kind', 'name', ...rest], {
      minLength: rest.length + 2,
    }),
  ),
  headerCase: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  blankLines: fc.array(fc.nat({ max: 2 }), { minLength: 20, maxLength: 20 }),
  pad: fc.boolean(),
  trailingEol: fc.boolean(),
});

/** The CSV text, and the line each user and group starts on. */
function writeCsv(o: Org, layout: CsvLayout, order: number[]) {
  const { eol } = layout;
  const cell = (v: string | undefined, free: boolean) => {
    if (v === undefined) return '';
    const s = free ? v.replace(/\r?\n/g, eol) : v;
    const quoted = free || layout.quoteAll ? csvQuote(s) : s;
    return layout.pad ? ` ${quoted} ` : quoted;
  };
  const header = layout.columns
    .map((c, i) => (layout.headerCase[i] ? c.toUpperCase() : c))
    .join(',');
  const rows: Array<{ key: string; text: string }> = [
    ...o.teams.map(t => ({
      key: `group:${t.name}`,
      values: {
        kind: 'group',
        name: t.name,
        displayName: t.displayName,
        description: t.description,
        type: t.type,
        parent: t.parent,
        manager: t.manager,
      } as Record<string, string | undefined>,
    })),
    ...o.users.map(u => ({
      key: `user:${u.name}`,
      values: {
        kind: layout.headerCase[0] ? 'User' : 'user',
        name: u.name,
        displayName: u.displayName,
        description: u.description,
        email: u.email,
        picture: u.picture,
        groups: u.groups.length ? u.groups.join(';') : undefined,
        manager: u.manager,
      } as Record<string, string | undefined>,
    })),
  ].map(({ key, values }) => ({
    key,
    text: layout.columns
      .map(c => cell(values[c], c === 'displayName' || c === 'description'))
      .join(','),
  }));
  // Only the columns the layout has are expected.
  const ordered = order
    .filter(i => i < rows.length)
    .concat(rows.map((_, i) => i).filter(i => !order.includes(i)));
  let text = `${layout.bom ? '\ufeff' : ''}${header}${eol}`;
  let line = 2;
  const lines = new Map<string, number>();
  ordered.forEach((i, k) => {
    const blank = layout.blankLines[k % layout.blankLines.length];
    text += eol.repeat(blank);
    line += blank;
    lines.set(rows[i].key, line);
    const last = k === ordered.length - 1;
    text += rows[i].text + (last && !layout.trailingEol ? '' : eol);
    line += 1 + (rows[i].text.match(/\n/g)?.length ?? 0);
  });
  return { text, lines };
}

/**
 * The generated organisation, limited to what the layout's columns hold, with
 * the line breaks in free text the file has.
 */
function restrict(o: Org, columns: string[], eol: string): Org {
  const has = (c: string) => columns.includes(c);
  const free = (c: string, v: string | undefined) =>
    has(c) ? v?.replace(/\r?\n/g, eol) : undefined;
  const teams = o.teams.map(t => ({
    name: t.name,
    displayName: free('displayName', t.displayName),
    description: free('description', t.description),
    type: has('type') ? t.type : undefined,
    parent: has('parent') ? t.parent : undefined,
    manager: has('manager') ? t.manager : undefined,
  }));
  const users = o.users.map(u => ({
    name: u.name,
    displayName: free('displayName', u.displayName),
    description: free('description', u.description),
    email: has('email') ? u.email : undefined,
    picture: has('picture') ? u.picture : undefined,
    groups: has('groups') ? u.groups : [],
    manager: has('manager') ? u.manager : undefined,
  }));
  return { users, teams };
}

const validCsv = fc
  .record({
    o: org,
    layout: csvLayout,
    order: fc.array(fc.nat({ max: 13 }), { maxLength: 14 }),
  })
  .map(({ o, layout, order }) => {
    const uniqueOrder = [...new Set(order)];
    return {
      ...writeCsv(o, layout, uniqueOrder),
      o: restrict(o, layout.columns, layout.eol),
    };
  });

function checkValidCsv({
  text,
  lines,
  o,
}: {
  text: string;
  lines: Map<string, number>;
  o: Org;
}) {
  const result = expectContract(text, run(text, 'csv'));
  expect(result).toBeDefined();
  expectOrg(result!, o);
  for (const g of result!.groups)
    expect(g.line).toBe(lines.get(`group:${g.entity.metadata.name}`));
  for (const u of result!.users)
    expect(u.line).toBe(lines.get(`user:${u.entity.metadata.name}`));
}

// ---------------------------------------------------------------------------
// YAML writing.

const yamlStyle = fc.record({
  flow: fc.boolean(),
  upperKeys: fc.boolean(),
  quoted: fc.boolean(),
});

function toYaml(
  o: Org,
  style: { flow: boolean; upperKeys: boolean; quoted: boolean },
): string {
  const k = (key: string) =>
    style.upperKeys ? key[0].toUpperCase() + key.slice(1) : key;
  const entry = (values: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => v !== undefined)
        .map(([key, v]) => [k(key), v]),
    );
  const doc = {
    groups: o.teams.map(t => entry({ ...t })),
    users: o.users.map(u =>
      entry({ ...u, groups: u.groups.length ? u.groups : undefined }),
    ),
  };
  return YAML.stringify(doc, {
    collectionStyle: style.flow ? 'flow' : 'block',
    defaultStringType: style.quoted ? 'QUOTE_DOUBLE' : 'PLAIN',
  });
}

function checkValidYaml(o: Org, style: Parameters<typeof toYaml>[1]) {
  const text = toYaml(o, style);
  const result = expectContract(text, run(text, 'yaml'));
  expect(result).toBeDefined();
  expectOrg(result!, o);
  // Entries keep their order, each on its own line.
  for (const list of [result!.groups, result!.users]) {
    const lines = list.map(x => x.line);
    if (!style.flow) expect(new Set(lines).size).toBe(lines.length);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  }
}

// ---------------------------------------------------------------------------
// Garbage.

const csvToken = fc.oneof(
  fc.constantFrom(
    ',',
    ',',
    '"',
    '""',
    '\n',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '\t',
    ';',
    '\ufeff',
    '\u0000',
    'kind',
    'name',
    'KIND,NAME',
    'kind,name,groups,manager,parent\n',
    'user',
    'group',
    'alice',
    'team-a',
    'a@b.c',
    'https://x.test/p.png',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '日本',
    '👩‍💻',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 5 }),
);
const csvNoise = fuzz.tokenText(csvToken);

/** A valid header, then rows of random cells. */
const csvRandomRows = fc
  .tuple(
    csvLayout,
    fc.array(
      fc.array(
        fc.oneof(
          csvToken,
          fc.constantFrom('user', 'group', 'User', 'GROUP', ''),
          entityName,
          freeText.map(csvQuote),
        ),
        { maxLength: 12 },
      ),
      { maxLength: 12 },
    ),
  )
  .map(
    ([layout, rows]) =>
      `${layout.columns.join(',')}\n${rows
        .map(r => r.join(','))
        .join(layout.eol)}`,
  );

const yamlToken = fc.oneof(
  fc.constantFrom(
    '\n',
    '\n',
    '\r\n',
    ' ',
    '  ',
    ': ',
    '- ',
    '? ',
    ',',
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '#',
    '|',
    '>',
    '&a ',
    '*a',
    '*b',
    '!!str ',
    '!!map ',
    '!!set ',
    '<<: ',
    '%YAML 1.1\n---\n',
    '---\n',
    '...\n',
    'groups:\n',
    'users:\n',
    'groups: []\n',
    'users: [',
    '- name: ',
    '  name: ',
    '  groups: ',
    '  parent: ',
    '  manager: ',
    'kind: ',
    'alice',
    'team-a',
    '~',
    'null',
    '__proto__: ',
    '__PROTO__: ',
    'constructor: ',
    'prototype: ',
    'toString: ',
    '1e400',
    '\ufeff',
    '\u0000',
  ),
  fc.string({ maxLength: 5 }),
);
const yamlNoise = fuzz.tokenText(yamlToken);

const edits = fuzz.textEdits(fc.oneof(csvToken, yamlToken), {
  maxRemove: 4,
  maxEdits: 5,
});

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  { weight: 2, arbitrary: csvNoise },
  { weight: 2, arbitrary: csvRandomRows },
  { weight: 2, arbitrary: yamlNoise },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validCsv, edits)
      .map(([{ text }, e]) => fuzz.applyEdits(text, e)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(org, yamlStyle, edits)
      .map(([o, style, e]) => fuzz.applyEdits(toYaml(o, style), e)),
  },
  // Deep nesting, huge and long values.
  fc
    .integer({ min: 10, max: 3_000 })
    .map(d => `users:\n  - name: ${'['.repeat(d)}${']'.repeat(d)}\n`),
  fc
    .integer({ min: 10, max: 3_000 })
    .map(d => `groups:\n  - ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`),
  fc
    .integer({ min: 1_000, max: 200_000 })
    .map(len => `kind,name,description\nuser,long,"${'x'.repeat(len)}"\n`),
  fc
    .integer({ min: 64, max: 5_000 })
    .map(len => `users:\n  - name: ${'a'.repeat(len)}\n`),
);

/** Hand-picked inputs checked on every run, besides the generated ones. */
const TRICKY: Array<[string, 'csv' | 'yaml']> = [
  ['', 'csv'],
  ['', 'yaml'],
  ['\ufeff', 'csv'],
  ['kind,name\n"unterminated', 'csv'],
  ['kind,name\nuser,a"b\n', 'csv'],
  ['kind,name,kind\nuser,a,group\n', 'csv'],
  ['KIND,Name\r\nuser,alice\r\n', 'csv'],
  ['users: [{name: a}, *x]', 'yaml'],
  ['users:\n  - &a {name: alice}\n  - *a\n', 'yaml'],
  ['users:\n  - ~\n  - 1\n  - [a]\n  - "x"\n', 'yaml'],
  ['groups: &g [{name: g, parent: *g}]\n', 'yaml'],
  ['users: &u [*u]\n', 'yaml'],
  ['? [groups]\n: []\n', 'yaml'],
  ['? {a: 1}\n: []\n', 'yaml'],
  ['null: []\n', 'yaml'],
  [': []\n', 'yaml'],
  ['groups: []\ngroups: []\n', 'yaml'],
  ['%YAML 1.1\n---\ngroups:\n  - <<: {name: merged}\n', 'yaml'],
  [
    '%YAML 1.1\n---\nusers:\n  - &a {name: x}\n  - <<: *a\n    email: a@b.c\n',
    'yaml',
  ],
  [`users:\n${'  - &a {name: x, groups: [*a]}\n'.repeat(3)}`, 'yaml'],
  ['- a\n- b\n', 'yaml'],
  ['users: 3\n', 'yaml'],
];

// ---------------------------------------------------------------------------
// Prototype pollution.

const DANGEROUS_KEYS = [
  '__proto__',
  '__PROTO__',
  '__Proto__',
  'constructor',
  'Constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

const pollutingValue = fc.constantFrom<unknown>(
  { polluted: true },
  { name: 'evil', email: 'evil@x.test', polluted: true },
  { kind: 'group', prototype: { polluted: true } },
  ['polluted'],
  'polluted',
  null,
);

/** YAML entries with a dangerous key; those are skipped with a reason. */
const pollutedYaml = fc
  .record({
    o: org,
    style: yamlStyle,
    injections: fc.array(
      fc.record({
        list: fc.constantFrom('users', 'groups'),
        at: fc.nat(),
        key: fc.constantFrom(...DANGEROUS_KEYS),
        value: pollutingValue,
      }),
      { minLength: 1, maxLength: 3 },
    ),
    topLevel: fc.option(fc.constantFrom(...DANGEROUS_KEYS), {
      nil: undefined,
    }),
  })
  .map(({ o, style, injections, topLevel }) => {
    const doc = YAML.parse(toYaml(o, { ...style, flow: false })) ?? {};
    let refused = 0;
    for (const { list, at, key, value } of injections) {
      doc[list] = doc[list] ?? [];
      const entries = doc[list] as Record<string, unknown>[];
      const entry: Record<string, unknown> = { name: `injected${refused}` };
      entries.splice(
        at % (entries.length + 1),
        0,
        fuzz.withOwnKey(entry, key, value),
      );
      refused++;
    }
    if (topLevel !== undefined)
      fuzz.withOwnKey(doc, topLevel, [{ name: 'top' }]);
    const text = YAML.stringify(doc, {
      collectionStyle: style.flow ? 'flow' : 'block',
    });
    return { text, refused, topLevel };
  });

function checkPollutedYaml({
  text,
  refused,
  topLevel,
}: {
  text: string;
  refused: number;
  topLevel: string | undefined;
}) {
  const outcome = run(text, 'yaml');
  const result = expectContract(text, outcome);
  if (topLevel !== undefined) {
    // Only groups and users are top-level keys.
    expect(result).toBeUndefined();
    expect((outcome as { error: Error }).error.message).toBe(
      `unknown top-level key "${topLevel}"; expected groups and users`,
    );
    return;
  }
  expect(result).toBeDefined();
  const names = [...result!.users, ...result!.groups].map(
    x => x.entity.metadata.name,
  );
  expect(names.filter(x => x.startsWith('injected'))).toEqual([]);
  expect(
    result!.problems.filter(p =>
      /^row skipped: (forbidden key "__proto__"|unknown fields)/.test(
        p.message,
      ),
    ),
  ).toHaveLength(refused);
}

/** CSV with dangerous header names or cell values. */
const pollutedCsv = fc
  .record({
    header: fc.shuffledSubarray(
      ['kind', 'name', 'groups', 'manager', 'parent', ...DANGEROUS_KEYS],
      { minLength: 2 },
    ),
    rows: fc.array(
      fc.array(
        fc.oneof(
          fc.constantFrom(...DANGEROUS_KEYS, 'user', 'group', 'polluted'),
          entityName,
        ),
        { maxLength: 8 },
      ),
      { maxLength: 8 },
    ),
  })
  .map(
    ({ header, rows }) =>
      `${header.join(',')}\n${rows.map(r => r.join(',')).join('\n')}\n`,
  );

// ---------------------------------------------------------------------------

describe('parseOrgExport (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `imports all ${fuzz.fmt(
      RUNS.validCsv,
    )} generated valid CSV exports (seed ${SEED}) with the right entities and lines`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(validCsv, checkValidCsv), {
        seed: SEED,
        numRuns: RUNS.validCsv,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.validCsv);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `imports all ${fuzz.fmt(
      RUNS.validYaml,
    )} generated valid YAML exports (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(org, yamlStyle, checkValidYaml), {
        seed: SEED,
        numRuns: RUNS.validYaml,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.validYaml);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `survives ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage exports in both formats (seed ${SEED}), throwing only OrgExportError`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          garbage,
          fc.constantFrom<'csv' | 'yaml'>('csv', 'yaml'),
          checkAny,
        ),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      for (const [text, format] of TRICKY) checkAny(text, format);
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.garbage + TRICKY.length,
      );
      expect(inputs.slowest).toBeLessThan(MAX_PARSE_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `reports each of ${fuzz.fmt(
      RUNS.notMaps,
    )} generated YAML entries that are not maps (seed ${SEED}) as such`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.constantFrom('users', 'groups'),
          fc.oneof(
            fc.constantFrom(
              '~',
              'null',
              '1',
              '1e400',
              'true',
              '"x"',
              '[]',
              '[a, b]',
              '|\n    text',
            ),
            fc
              .string({ unit: 'grapheme-ascii', maxLength: 10 })
              .map(s => JSON.stringify(s)),
          ),
          (list, item) => {
            const text = `${list}:\n  - name: ok\n  - ${item}\n`;
            const result = expectContract(text, run(text, 'yaml'));
            expect(result?.problems).toEqual([
              { line: 3, message: 'row skipped: entry is not a map' },
            ]);
          },
        ),
        { seed: SEED, numRuns: RUNS.notMaps },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.notMaps);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated YAML and CSV exports with __proto__/constructor/prototype keys (seed ${SEED}) pollute or get imported`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            pollutedYaml.map(p => ({ ...p, csv: undefined })),
            pollutedCsv.map(csv => ({ csv })),
          ),
          input => {
            if (input.csv !== undefined) checkAny(input.csv, 'csv');
            else
              checkPollutedYaml(
                input as Parameters<typeof checkPollutedYaml>[0],
              );
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      checkAny('{"__proto__": {"polluted": true}}', 'yaml');
      checkAny(
        'users: [{"__proto__": {"polluted": true, "name": "x"}}]',
        'yaml',
      );
      checkAny('kind,name,__proto__\nuser,alice,{"polluted":true}\n', 'csv');
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 3,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
