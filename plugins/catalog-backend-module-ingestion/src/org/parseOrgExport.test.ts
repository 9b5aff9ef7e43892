import { OrgExportError, parseOrgExport } from './parseOrgExport';

const CSV = `kind,name,displayName,email,parent,groups,manager,type
group,acme,ACME,,,,,organization
group,engineering,Engineering,eng@acme.test,acme,,ada,department
group,payments,Payments,,engineering,,,
user,ada,Ada Lovelace,ada@acme.test,,engineering,,
user,grace,Grace Hopper,grace@acme.test,,payments;ghosts,ada,
user,Not Valid!,X,,,,,
user,bob,Bob,not-an-email,,,,
user,ada,Ada again,,,,,
user,carol,Carol,carol@acme.test,,payments
group,loop-a,,,loop-b,,,
group,loop-b,,,loop-a,,,
user,dave,"Dave
Multi-line",dave@acme.test,,payments,nobody,
`;

describe('parseOrgExport (CSV)', () => {
  const result = parseOrgExport(CSV, 'csv');

  it('imports users and groups with hierarchy, managers, e-mail and display names', () => {
    const groups = Object.fromEntries(
      result.groups.map(g => [g.entity.metadata.name, g.entity]),
    );
    expect(Object.keys(groups)).toEqual(['acme', 'engineering', 'payments']);
    expect(groups.engineering.spec).toEqual({
      type: 'department',
      profile: { displayName: 'Engineering', email: 'eng@acme.test' },
      parent: 'acme',
      children: ['payments'],
    });
    expect(groups.engineering.metadata.annotations).toEqual({
      'portal.dev/manager': 'user:default/ada',
    });
    expect(groups.acme.spec.children).toEqual(['engineering']);
    const users = Object.fromEntries(
      result.users.map(u => [u.entity.metadata.name, u]),
    );
    expect(Object.keys(users)).toEqual(['ada', 'grace', 'dave']);
    expect(users.grace.entity.spec).toEqual({
      profile: { displayName: 'Grace Hopper', email: 'grace@acme.test' },
      memberOf: ['payments'],
    });
    expect(users.grace.entity.metadata.annotations).toEqual({
      'portal.dev/manager': 'user:default/ada',
    });
    expect(users.dave.entity.spec.profile?.displayName).toBe(
      'Dave\nMulti-line',
    );
  });

  it('reports every bad row with its line and reason, and skips only that row', () => {
    expect(result.problems).toEqual([
      {
        line: 6,
        message:
          'user grace: group "ghosts" is not in the export; membership dropped',
      },
      {
        line: 7,
        message: expect.stringContaining(
          'name "Not Valid!" is not a valid entity name',
        ),
      },
      {
        line: 8,
        message: 'row skipped: email "not-an-email" is not an e-mail address',
      },
      { line: 9, message: 'row skipped: user ada already defined on line 5' },
      { line: 10, message: 'row skipped: has 6 fields, the header has 8' },
      { line: 11, message: 'group loop-a skipped: its parents form a cycle' },
      { line: 12, message: 'group loop-b skipped: its parents form a cycle' },
      {
        line: 13,
        message: 'user dave: manager "nobody" is not in the export; dropped',
      },
    ]);
  });

  it('refuses a CSV without the required columns, or with unknown ones, as a whole', () => {
    expect(() =>
      parseOrgExport('name,email\nada,ada@acme.test\n', 'csv'),
    ).toThrow(
      new OrgExportError(
        'CSV header has no "kind" column (found: name, email)',
        1,
      ),
    );
    expect(() =>
      parseOrgExport('kind,name,salary\nuser,ada,1\n', 'csv'),
    ).toThrow(/unknown columns: salary/);
    expect(() => parseOrgExport('kind,name\nuser,"ada\n', 'csv')).toThrow(
      /CSV cannot be read/,
    );
  });
});

describe('parseOrgExport (YAML)', () => {
  it('imports the same shape from YAML, with lines for bad entries', () => {
    const result = parseOrgExport(
      `groups:
  - name: platform
    displayName: Platform
users:
  - name: ada
    email: ada@acme.test
    groups: [platform]
  - name: bad name
  - name: eve
    salary: 3
`,
      'yaml',
    );
    expect(result.groups.map(g => g.entity.metadata.name)).toEqual([
      'platform',
    ]);
    expect(
      result.users.map(u => [
        u.entity.metadata.name,
        u.line,
        u.entity.spec.memberOf,
      ]),
    ).toEqual([['ada', 5, ['platform']]]);
    expect(result.problems).toEqual([
      {
        line: 8,
        message: expect.stringContaining(
          '"bad name" is not a valid entity name',
        ),
      },
      { line: 9, message: 'row skipped: unknown fields salary' },
    ]);
  });

  it('refuses YAML of another shape', () => {
    expect(() => parseOrgExport('people: []\n', 'yaml')).toThrow(
      /unknown top-level key "people"/,
    );
    expect(() => parseOrgExport('groups: [\n', 'yaml')).toThrow(
      /YAML syntax error/,
    );
  });
});
