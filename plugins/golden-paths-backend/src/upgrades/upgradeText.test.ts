import {
  changeRequestBody,
  closedUpgradeBranch,
  isOlder,
  notesBetween,
} from './UpgradeService';
import { readUpgradeNotes, withNewDefaults } from './templateFiles';

const note = (version: string, needsPerson = false) => ({
  version,
  summary: `What ${version} changed`,
  needsPerson,
});

describe('upgrade notes and text', () => {
  it('orders versions by semver, not as text', () => {
    expect(isOlder('1.9.0', '1.10.0')).toBe(true);
    expect(isOlder('1.10.0', '1.9.0')).toBe(false);
    expect(isOlder('2.0.0', '2.0.0')).toBe(false);
  });

  it('takes the notes after the service version up to the new one', () => {
    const notes = [note('1.2.0'), note('1.0.0'), note('1.1.0'), note('2.0.0')];
    expect(notesBetween(notes, '1.0.0', '1.2.0').map(n => n.version)).toEqual([
      '1.1.0',
      '1.2.0',
    ]);
  });

  it('puts a person warning, the notes, the files and the conflicts in the description', () => {
    const body = changeRequestBody({
      entityRef: 'component:default/orders-api',
      templateRef: 'template:default/typescript-service',
      from: '1.0.0',
      to: '1.1.0',
      notes: [{ ...note('1.1.0', true), details: 'Run the migration.' }],
      applied: {
        status: 'proposed',
        defaultBranch: 'main',
        baseCommit: 'abc',
        changed: [{ path: 'deploy/probes.yaml', change: 'added' }],
        conflicts: [
          {
            path: 'service.yaml',
            reason: 'both changed it',
            templateDiff: '-logLevel: info\n+logLevel: warn\n',
          },
        ],
      },
      requestedBy: 'user:default/alice',
    });
    expect(body).toContain('This upgrade needs a person');
    expect(body).toContain('### 1.1.0 (needs a person)');
    expect(body).toContain('Run the migration.');
    expect(body).toContain('- added: `deploy/probes.yaml`');
    expect(body).toContain('### `service.yaml`');
    expect(body).toContain('+logLevel: warn');
    expect(body).toContain('Proposed by the portal for user:default/alice.');
  });

  it('renders a new version with defaults only for parameters it added', () => {
    const older = {
      spec: { parameters: [{ properties: { replicas: { default: 2 } } }] },
    };
    const newer = {
      spec: {
        parameters: [
          { properties: { replicas: { default: 3 } } },
          { properties: { region: { default: 'eu-west-1' } } },
        ],
      },
    };
    expect(withNewDefaults(newer, older, { name: 'a' })).toEqual({
      name: 'a',
      region: 'eu-west-1',
    });
  });

  it('refuses invalid upgrade notes with the file and place', () => {
    const file = (text: string) => [
      {
        path: 'upgrades.yaml',
        base64Content: Buffer.from(text).toString('base64'),
      },
    ];
    expect(readUpgradeNotes([])).toEqual([]);
    expect(() => readUpgradeNotes(file('- version: [1\n'))).toThrow(
      /^upgrades\.yaml: /,
    );
    expect(() => readUpgradeNotes(file('- version: 1.1.0\n'))).toThrow(
      /upgrades\.yaml: 0\.summary/,
    );
  });
});

describe('closedUpgradeBranch', () => {
  const branch = 'portal/upgrade-typescript-service-1.2.0';
  const github = (action: string, ref = branch) => ({
    topic: 'github.pull_request',
    eventPayload: { action, pull_request: { head: { ref } } },
  });
  const gitlab = (action: string, ref = branch) => ({
    topic: 'gitlab.merge_request',
    eventPayload: {
      object_kind: 'merge_request',
      object_attributes: { action, source_branch: ref },
    },
  });

  it('names the upgrade branch of a merged or closed pull or merge request', () => {
    expect(closedUpgradeBranch(github('closed'))).toBe(branch);
    expect(closedUpgradeBranch(gitlab('merge'))).toBe(branch);
    expect(closedUpgradeBranch(gitlab('close'))).toBe(branch);
  });

  it('ignores opened ones, other branches, other topics and odd payloads', () => {
    expect(closedUpgradeBranch(github('opened'))).toBeUndefined();
    expect(closedUpgradeBranch(gitlab('open'))).toBeUndefined();
    expect(closedUpgradeBranch(github('closed', 'feature/x'))).toBeUndefined();
    expect(
      closedUpgradeBranch({ ...github('closed'), topic: 'github.push' }),
    ).toBeUndefined();
    expect(
      closedUpgradeBranch({
        topic: 'github.pull_request',
        eventPayload: { action: 'closed', pull_request: { head: { ref: 7 } } },
      }),
    ).toBeUndefined();
    expect(
      closedUpgradeBranch({
        topic: 'gitlab.merge_request',
        eventPayload: null,
      }),
    ).toBeUndefined();
  });
});
