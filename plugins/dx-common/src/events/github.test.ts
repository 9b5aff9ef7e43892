import { normalizeGithubWebhook } from './github';
import type { NormalizeResult } from './types';

const repository = {
  id: 1,
  full_name: 'acme/checkout',
  default_branch: 'main',
  pushed_at: 1714557600, // 2024-05-01T10:00:00Z
};
const sender = { login: 'octo' };
const reasonOf = (r: NormalizeResult) => (r.ok ? undefined : r.reason);
const kindAction = (r: NormalizeResult) =>
  r.ok ? `${r.event.kind}/${r.event.action}` : r.reason;

function pushPayload(more: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    head_commit: {
      id: 'b'.repeat(40),
      timestamp: '2024-05-01T11:59:00-07:00',
      message: 'Fix the basket total\n\nLonger text.',
    },
    commits: [
      { id: 'c'.repeat(40), timestamp: '2024-05-01T11:00:00-07:00' },
      { id: 'b'.repeat(40), timestamp: '2024-05-01T11:59:00-07:00' },
    ],
    repository,
    sender,
    ...more,
  };
}

function pullRequestPayload(action: string, pr: Record<string, unknown> = {}) {
  return {
    action,
    number: 42,
    pull_request: {
      id: 9001,
      number: 42,
      title: 'Fix the basket total',
      state: 'open',
      merged: false,
      merged_at: null,
      closed_at: null,
      created_at: '2024-05-01T08:00:00Z',
      updated_at: '2024-05-01T09:00:00Z',
      merge_commit_sha: null,
      head: { sha: 'd'.repeat(40), ref: 'fix-total' },
      base: { ref: 'main' },
      ...pr,
    },
    repository,
    sender,
  };
}

const deploymentObject = {
  id: 145988746,
  sha: 'f'.repeat(40),
  ref: 'main',
  task: 'deploy',
  environment: 'production',
  description: 'Release 1.2',
  created_at: '2024-05-01T12:00:00+02:00',
  updated_at: '2024-05-01T12:00:00+02:00',
};

function statusPayload(state: string) {
  return {
    action: 'created',
    deployment_status: {
      id: 209916254,
      state,
      environment: 'production',
      description: '',
      created_at: '2024-05-01T10:05:00Z',
      updated_at: '2024-05-01T10:06:00Z',
    },
    deployment: deploymentObject,
    repository,
    sender,
  };
}

function runPayload(action: string, conclusion: string | null = null) {
  return {
    action,
    workflow_run: {
      id: 289782451,
      name: 'CI',
      display_title: 'Fix the basket total',
      status: action === 'completed' ? 'completed' : 'queued',
      conclusion,
      head_sha: 'e'.repeat(40),
      head_branch: 'main',
      run_attempt: 1,
      created_at: '2024-05-01T10:00:00Z',
      updated_at: '2024-05-01T10:07:30Z',
    },
    repository,
    sender,
  };
}

function issuePayload(
  action: string,
  labels: string[],
  more: Record<string, unknown> = {},
) {
  return {
    action,
    issue: {
      id: 444500041,
      number: 7,
      title: 'Checkout answers 500',
      state: action === 'closed' ? 'closed' : 'open',
      labels: labels.map(name => ({ id: 1, name, color: 'f00' })),
      created_at: '2024-05-01T10:00:00Z',
      updated_at: '2024-05-01T10:30:00Z',
      closed_at: action === 'closed' ? '2024-05-01T11:00:00Z' : null,
    },
    repository,
    sender,
    ...more,
  };
}

describe('normalizeGithubWebhook', () => {
  describe('push', () => {
    it('to the default branch: a merged change with its commits', () => {
      const r = normalizeGithubWebhook('push', pushPayload(), 'delivery-1');
      expect(r).toEqual({
        ok: true,
        event: {
          key: `github:push:acme/checkout:refs/heads/main:${'a'.repeat(
            40,
          )}..${'b'.repeat(40)}`,
          source: 'github',
          type: 'github.push',
          kind: 'change',
          action: 'merged',
          occurredAt: '2024-05-01T18:59:00.000Z',
          subject: { repository: 'acme/checkout' },
          commitSha: 'b'.repeat(40),
          commits: [
            { sha: 'c'.repeat(40), at: '2024-05-01T18:00:00.000Z' },
            { sha: 'b'.repeat(40), at: '2024-05-01T18:59:00.000Z' },
          ],
          actor: 'octo',
          title: 'Fix the basket total',
        },
      });
    });

    it('to another branch, a tag, a deletion: other/pushed', () => {
      const branch = normalizeGithubWebhook(
        'push',
        pushPayload({ ref: 'refs/heads/fix-total' }),
      );
      expect(kindAction(branch)).toBe('other/pushed');
      const tag = normalizeGithubWebhook(
        'push',
        pushPayload({ ref: 'refs/tags/v1.2.0' }),
      );
      expect(kindAction(tag)).toBe('other/pushed');
      const deletion = normalizeGithubWebhook(
        'push',
        pushPayload({
          ref: 'refs/heads/main',
          after: '0'.repeat(40),
          deleted: true,
          head_commit: null,
          commits: [],
        }),
      );
      expect(deletion).toMatchObject({
        ok: true,
        event: {
          kind: 'other',
          action: 'pushed',
          occurredAt: '2024-05-01T10:00:00.000Z', // repository.pushed_at
        },
      });
      expect(deletion.ok && deletion.event.commitSha).toBeUndefined();
    });

    it('defaultBranchOnly: false makes a push to any branch a merge', () => {
      const r = normalizeGithubWebhook(
        'push',
        pushPayload({ ref: 'refs/heads/fix-total' }),
        undefined,
        { defaultBranchOnly: false },
      );
      expect(kindAction(r)).toBe('change/merged');
      const tag = normalizeGithubWebhook(
        'push',
        pushPayload({ ref: 'refs/tags/v1' }),
        undefined,
        { defaultBranchOnly: false },
      );
      expect(kindAction(tag)).toBe('other/pushed');
    });

    it('refuses more than 1000 commits, saying so', () => {
      const commits = Array.from({ length: 1001 }, (_, i) => ({
        id: i.toString(16).padStart(40, '0'),
        timestamp: '2024-05-01T10:00:00Z',
      }));
      expect(
        reasonOf(normalizeGithubWebhook('push', pushPayload({ commits }))),
      ).toBe('commits: 1001 commits, more than 1000: refused');
    });

    it('refuses a push without times or without the default branch', () => {
      expect(
        reasonOf(
          normalizeGithubWebhook(
            'push',
            pushPayload({
              head_commit: null,
              repository: { ...repository, pushed_at: undefined },
            }),
          ),
        ),
      ).toBe('head_commit.timestamp: missing (and no repository.pushed_at)');
      expect(
        reasonOf(
          normalizeGithubWebhook(
            'push',
            pushPayload({
              repository: { ...repository, default_branch: undefined },
            }),
          ),
        ),
      ).toBe(
        'repository.default_branch: missing (needed to tell a push to the default branch)',
      );
      expect(
        reasonOf(
          normalizeGithubWebhook(
            'push',
            pushPayload({
              commits: [{ id: 'c'.repeat(40), timestamp: 'soon' }],
            }),
          ),
        ),
      ).toMatch(/^commits\[0\]\.timestamp: "soon" is not an ISO 8601 time/);
    });
  });

  describe('pull_request', () => {
    it('opened: a created change with number, title and head commit', () => {
      const r = normalizeGithubWebhook(
        'pull_request',
        pullRequestPayload('opened'),
        'delivery-2',
      );
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'github:pull_request:acme/checkout#42:opened:2024-05-01T09:00:00.000Z',
          source: 'github',
          type: 'github.pull_request.opened',
          kind: 'change',
          action: 'created',
          occurredAt: '2024-05-01T08:00:00.000Z',
          subject: { repository: 'acme/checkout' },
          changeId: '42',
          commitSha: 'd'.repeat(40),
          actor: 'octo',
          title: 'Fix the basket total',
          branch: 'fix-total',
        },
      });
    });

    it.each([
      'edited',
      'synchronize',
      'reopened',
      'ready_for_review',
      'converted_to_draft',
      'labeled',
      'review_requested',
      'assigned',
    ])('%s: updated', action => {
      const r = normalizeGithubWebhook(
        'pull_request',
        pullRequestPayload(action),
      );
      expect(r).toMatchObject({
        ok: true,
        event: {
          kind: 'change',
          action: 'updated',
          occurredAt: '2024-05-01T09:00:00.000Z',
        },
      });
    });

    it('closed and merged: merged, with the merge commit and merge time', () => {
      const r = normalizeGithubWebhook(
        'pull_request',
        pullRequestPayload('closed', {
          state: 'closed',
          merged: true,
          merged_at: '2024-05-01T09:30:00+01:00',
          closed_at: '2024-05-01T09:30:00+01:00',
          merge_commit_sha: '1'.repeat(40),
        }),
      );
      expect(r).toMatchObject({
        ok: true,
        event: {
          kind: 'change',
          action: 'merged',
          occurredAt: '2024-05-01T08:30:00.000Z',
          commitSha: '1'.repeat(40),
          changeId: '42',
        },
      });
    });

    it('closed unmerged: abandoned at the closing time', () => {
      const r = normalizeGithubWebhook(
        'pull_request',
        pullRequestPayload('closed', {
          state: 'closed',
          closed_at: '2024-05-01T09:45:00Z',
          merge_commit_sha: '1'.repeat(40),
        }),
      );
      expect(r).toMatchObject({
        ok: true,
        event: {
          kind: 'change',
          action: 'abandoned',
          occurredAt: '2024-05-01T09:45:00.000Z',
          commitSha: 'd'.repeat(40),
        },
      });
    });

    it('merged into another branch than the default one: other/merged', () => {
      const merged = {
        state: 'closed',
        merged: true,
        merged_at: '2024-05-01T09:30:00Z',
        merge_commit_sha: '1'.repeat(40),
        base: { ref: 'release-1' },
      };
      expect(
        kindAction(
          normalizeGithubWebhook(
            'pull_request',
            pullRequestPayload('closed', merged),
          ),
        ),
      ).toBe('other/merged');
      expect(
        kindAction(
          normalizeGithubWebhook(
            'pull_request',
            pullRequestPayload('closed', merged),
            undefined,
            { defaultBranchOnly: false },
          ),
        ),
      ).toBe('change/merged');
    });

    it('refuses a pull request without number or times', () => {
      const { number, ...noNumber } = pullRequestPayload('opened');
      expect(number).toBe(42);
      expect(reasonOf(normalizeGithubWebhook('pull_request', noNumber))).toBe(
        'number: missing',
      );
      expect(
        reasonOf(
          normalizeGithubWebhook(
            'pull_request',
            pullRequestPayload('edited', { updated_at: '2024-05-01' }),
          ),
        ),
      ).toMatch(/^pull_request\.updated_at: "2024-05-01" is not an ISO 8601/);
    });

    it('cuts long titles to 500 characters, refuses titles over 64 KiB', () => {
      const long = normalizeGithubWebhook(
        'pull_request',
        pullRequestPayload('opened', { title: 'T'.repeat(600) }),
      );
      expect(long.ok && long.event.title).toHaveLength(500);
      expect(
        reasonOf(
          normalizeGithubWebhook(
            'pull_request',
            pullRequestPayload('opened', { title: 'T'.repeat(70_000) }),
          ),
        ),
      ).toBe('pull_request.title: longer than 64 KiB');
    });
  });

  describe('deployment', () => {
    it('is a requested deployment', () => {
      const r = normalizeGithubWebhook('deployment', {
        action: 'created',
        deployment: deploymentObject,
        repository,
        sender,
      });
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'github:deployment:145988746',
          source: 'github',
          type: 'github.deployment.created',
          kind: 'deployment',
          action: 'requested',
          occurredAt: '2024-05-01T10:00:00.000Z',
          subject: { repository: 'acme/checkout' },
          environment: 'production',
          commitSha: 'f'.repeat(40),
          deploymentId: '145988746',
          actor: 'octo',
          title: 'Release 1.2',
          branch: 'main',
        },
      });
    });

    it('refuses a deployment without environment', () => {
      const { environment, ...noEnvironment } = deploymentObject;
      expect(environment).toBe('production');
      expect(
        reasonOf(
          normalizeGithubWebhook('deployment', {
            deployment: noEnvironment,
            repository,
          }),
        ),
      ).toBe('deployment.environment: missing');
    });
  });

  describe('deployment_status', () => {
    it.each([
      ['success', 'deployment/deployed', 'success'],
      ['failure', 'deployment/deployed', 'failure'],
      ['error', 'deployment/deployed', 'error'],
      ['queued', 'deployment/requested', undefined],
      ['pending', 'deployment/requested', undefined],
      ['in_progress', 'deployment/requested', undefined],
      ['inactive', 'deployment/removed', undefined],
      ['something_new', 'other/something_new', undefined],
    ])('%s: %s, outcome %s', (state, expected, outcome) => {
      const r = normalizeGithubWebhook(
        'deployment_status',
        statusPayload(state),
      );
      expect(kindAction(r)).toBe(expected);
      expect(r).toMatchObject({
        ok: true,
        event: {
          occurredAt: '2024-05-01T10:06:00.000Z',
          environment: 'production',
          deploymentId: '145988746',
          commitSha: 'f'.repeat(40),
          key: 'github:deployment_status:209916254',
        },
      });
      expect(r.ok && r.event.outcome).toBe(outcome);
    });
  });

  describe('workflow_run', () => {
    it.each([
      ['success', 'success'],
      ['neutral', 'success'],
      ['failure', 'failure'],
      ['timed_out', 'failure'],
      ['startup_failure', 'error'],
      ['cancelled', 'cancelled'],
      ['skipped', 'cancelled'],
      ['stale', 'cancelled'],
      ['action_required', undefined],
    ])(
      'completed with %s: build finished, outcome %s',
      (conclusion, outcome) => {
        const r = normalizeGithubWebhook(
          'workflow_run',
          runPayload('completed', conclusion),
        );
        expect(r).toMatchObject({
          ok: true,
          event: {
            kind: 'build',
            action: 'finished',
            occurredAt: '2024-05-01T10:07:30.000Z',
            commitSha: 'e'.repeat(40),
            title: 'CI',
            key: 'github:workflow_run:289782451:1:completed',
          },
        });
        expect(r.ok && r.event.outcome).toBe(outcome);
      },
    );

    it.each(['requested', 'in_progress'])('%s: build started', action => {
      const r = normalizeGithubWebhook('workflow_run', runPayload(action));
      expect(kindAction(r)).toBe('build/started');
      expect(r.ok && r.event.outcome).toBeUndefined();
    });
  });

  describe('issues', () => {
    it('opened with an incident label: a reported incident', () => {
      const r = normalizeGithubWebhook(
        'issues',
        issuePayload('opened', ['bug', 'Incident']),
        'delivery-3',
      );
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'github:issues:acme/checkout#7:opened::2024-05-01T10:00:00.000Z',
          source: 'github',
          type: 'github.issues.opened',
          kind: 'incident',
          action: 'reported',
          occurredAt: '2024-05-01T10:00:00.000Z',
          subject: { repository: 'acme/checkout' },
          incidentId: '7',
          actor: 'octo',
          title: 'Checkout answers 500',
        },
      });
    });

    it('reopened → reported, closed → resolved at closed_at', () => {
      const reopened = normalizeGithubWebhook(
        'issues',
        issuePayload('reopened', ['incident']),
      );
      expect(reopened).toMatchObject({
        ok: true,
        event: { kind: 'incident', action: 'reported' },
      });
      const closed = normalizeGithubWebhook(
        'issues',
        issuePayload('closed', ['incident']),
      );
      expect(closed).toMatchObject({
        ok: true,
        event: {
          kind: 'incident',
          action: 'resolved',
          occurredAt: '2024-05-01T11:00:00.000Z',
          incidentId: '7',
        },
      });
    });

    it('labeled with an incident label → reported; with another label → other', () => {
      const labeled = normalizeGithubWebhook(
        'issues',
        issuePayload('labeled', ['incident'], { label: { name: 'incident' } }),
      );
      expect(kindAction(labeled)).toBe('incident/reported');
      const otherLabel = normalizeGithubWebhook(
        'issues',
        issuePayload('labeled', ['incident', 'p1'], { label: { name: 'p1' } }),
      );
      expect(kindAction(otherLabel)).toBe('other/labeled');
    });

    it('issues without an incident label, and other actions, are other', () => {
      expect(
        kindAction(
          normalizeGithubWebhook('issues', issuePayload('opened', ['bug'])),
        ),
      ).toBe('other/opened');
      expect(
        kindAction(
          normalizeGithubWebhook('issues', issuePayload('closed', ['bug'])),
        ),
      ).toBe('other/closed');
      expect(
        kindAction(
          normalizeGithubWebhook(
            'issues',
            issuePayload('edited', ['incident']),
          ),
        ),
      ).toBe('other/edited');
    });

    it('incidentLabels replaces the default label', () => {
      const options = { incidentLabels: ['sev1', 'sev2'] };
      expect(
        kindAction(
          normalizeGithubWebhook(
            'issues',
            issuePayload('opened', ['SEV2']),
            undefined,
            options,
          ),
        ),
      ).toBe('incident/reported');
      expect(
        kindAction(
          normalizeGithubWebhook(
            'issues',
            issuePayload('opened', ['incident']),
            undefined,
            options,
          ),
        ),
      ).toBe('other/opened');
    });
  });

  describe('ping', () => {
    it('is other/ping at the hook time, with or without a repository', () => {
      const hook = {
        id: 109948940,
        type: 'Repository',
        created_at: '2024-05-01T10:00:00Z',
        updated_at: '2024-05-01T10:01:00Z',
      };
      const r = normalizeGithubWebhook('ping', {
        zen: 'Keep it logically awesome.',
        hook_id: 109948940,
        hook,
        repository,
        sender,
      });
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'github:ping:109948940',
          source: 'github',
          type: 'github.ping',
          kind: 'other',
          action: 'ping',
          occurredAt: '2024-05-01T10:01:00.000Z',
          subject: { repository: 'acme/checkout' },
          actor: 'octo',
        },
      });
      expect(normalizeGithubWebhook('ping', { hook_id: 1, hook }).ok).toBe(
        true,
      );
      expect(reasonOf(normalizeGithubWebhook('ping', { hook_id: 1 }))).toBe(
        'hook.created_at: missing (a ping needs a time)',
      );
    });
  });

  describe('refusals', () => {
    it.each(['check_run', 'workflow_job', 'release', 'create', 'status'])(
      '%s is not used',
      event => {
        expect(reasonOf(normalizeGithubWebhook(event, {}))).toBe(
          `GitHub event "${event}" is not used by DX metrics (push, pull_request, deployment, deployment_status, workflow_run, issues)`,
        );
      },
    );

    it('an invalid event name, delivery id or payload', () => {
      expect(reasonOf(normalizeGithubWebhook('', {}))).toBe(
        'GitHub event name "" is not valid (the X-GitHub-Event header, e.g. push)',
      );
      expect(reasonOf(normalizeGithubWebhook('Push Event!', {}))).toMatch(
        /is not valid/,
      );
      expect(reasonOf(normalizeGithubWebhook('toString', {}))).toMatch(
        /is not valid/,
      );
      expect(reasonOf(normalizeGithubWebhook('constructor', {}))).toMatch(
        /is not used by DX metrics/,
      );
      expect(
        reasonOf(normalizeGithubWebhook('push', pushPayload(), 'a b')),
      ).toBe(
        'deliveryId: expected 1 to 200 printable characters (the X-GitHub-Delivery header)',
      );
      expect(reasonOf(normalizeGithubWebhook('push', [pushPayload()]))).toBe(
        'not an object: a GitHub webhook payload is a JSON object',
      );
      expect(reasonOf(normalizeGithubWebhook('push', {}))).toBe(
        'ref: missing; after: missing; repository: missing',
      );
    });
  });

  describe('idempotency keys', () => {
    it('keys on the payload (signed), never on the delivery id (not signed)', () => {
      const key = (event: string, payload: unknown, id?: string) => {
        const r = normalizeGithubWebhook(event, payload, id);
        return r.ok ? r.event.key : r.reason;
      };
      // A replay under another delivery id is the same event.
      expect(key('push', pushPayload(), 'abc')).toBe(
        key('push', pushPayload(), 'forged-id'),
      );
      expect(key('push', pushPayload(), 'abc')).toBe(
        `github:push:acme/checkout:refs/heads/main:${'a'.repeat(
          40,
        )}..${'b'.repeat(40)}`,
      );
      expect(key('pull_request', pullRequestPayload('opened'))).toBe(
        'github:pull_request:acme/checkout#42:opened:2024-05-01T09:00:00.000Z',
      );
      expect(key('pull_request', pullRequestPayload('opened'))).toBe(
        key('pull_request', pullRequestPayload('opened')),
      );
      expect(key('pull_request', pullRequestPayload('edited'))).not.toBe(
        key('pull_request', pullRequestPayload('opened')),
      );
      expect(
        key('issues', issuePayload('labeled', [], { label: { name: 'x' } })),
      ).toBe(
        'github:issues:acme/checkout#7:labeled:x:2024-05-01T10:30:00.000Z',
      );
    });
  });
});
