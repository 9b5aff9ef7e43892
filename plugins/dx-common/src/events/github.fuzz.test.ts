import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import {
  GithubWebhookOptions,
  GITHUB_DX_EVENTS,
  normalizeGithubWebhook,
} from './github';
import type { NormalizeResult } from './types';

/*
 * Property-based fuzzing of normalizeGithubWebhook (GitHub webhook bodies,
 * with the X-GitHub-Event and X-GitHub-Delivery headers). Contract: a
 * delivery is read into one event or refused with a reason naming the field
 * or header (`{ ok: false, reason }`); nothing is ever thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x617_4b0b;
const MAX_CALL_MS = 500;
/** Generated inputs per property. */
const RUNS = { valid: 3_000, garbage: 4_000, headers: 2_000, pollution: 1_000 };
const EVENTS = [...GITHUB_DX_EVENTS, 'ping'];

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('normalizeGithubWebhook', SEED);

function run(
  event: string,
  payload: unknown,
  deliveryId?: string,
  options?: GithubWebhookOptions,
): NormalizeResult {
  return inputs.time(() =>
    normalizeGithubWebhook(event, payload, deliveryId, options),
  );
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What holds for every delivery. */
function expectContract(result: NormalizeResult, event: string) {
  fuzz.expectNoPollution();
  expect(fuzz.unsafeObjects(result)).toEqual([]);
  if (!result.ok) {
    expect(Object.keys(result).sort()).toEqual(['ok', 'reason']);
    fuzz.expectReadable(result.reason, { maxLength: 2_000 });
    return;
  }
  const e = result.event;
  expect(EVENTS).toContain(event);
  expect(e.source).toBe('github');
  expect(e.key).toMatch(/^github:\S/);
  expect(e.type).toMatch(new RegExp(`^github\\.${event}(\\.|$)`));
  expect(['change', 'deployment', 'incident', 'build', 'other']).toContain(
    e.kind,
  );
  expect(typeof e.action).toBe('string');
  expect(e.action.length).toBeGreaterThan(0);
  for (const v of Object.values(e))
    expect(['string', 'object']).toContain(typeof v);
  if (e.outcome !== undefined)
    expect(['success', 'failure', 'error', 'cancelled']).toContain(e.outcome);
  expect(e.occurredAt).toMatch(ISO_UTC);
  expect((e.commits ?? []).length).toBeLessThanOrEqual(1_000);
  if (e.title !== undefined)
    expect([...e.title].length).toBeLessThanOrEqual(500);
  for (const v of [...Object.values(e), ...Object.values(e.subject)]) {
    expect(v).not.toBeUndefined();
    expect(v).not.toBe('');
  }
}

function checkAny(input: {
  event: string;
  payload: unknown;
  deliveryId?: string;
  options?: GithubWebhookOptions;
}) {
  expectContract(
    run(input.event, input.payload, input.deliveryId, input.options),
    input.event,
  );
}

// ---------------------------------------------------------------------------
// Valid deliveries.

const validTime = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2008, 0, 1), max: Date.UTC(2099, 0, 1) }),
    offset: fc.integer({ min: -(12 * 60), max: 14 * 60 }),
    utc: fc.boolean(),
  })
  .map(({ ms, offset, utc }) => {
    const minutes = utc ? 0 : offset;
    const local = new Date(ms + minutes * 60_000).toISOString();
    const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
    const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
    const zone = utc ? 'Z' : `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
    return {
      text: `${local.slice(0, 19)}${zone}`,
      iso: new Date(Math.floor(ms / 1000) * 1000).toISOString(),
    };
  });
const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const nonEmpty = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
const id = fc.oneof(
  fc.nat({ max: 2 ** 40 }),
  fc.string({ minLength: 1, maxLength: 40 }),
);
const repository = fc.record({
  full_name: fc.tuple(word, word).map(([o, n]) => `${o}/${n}`),
  default_branch: fc.constantFrom('main', 'master', 'trunk'),
  pushed_at: fc.integer({
    min: Date.UTC(2008, 0, 1) / 1000,
    max: Date.UTC(2099, 0, 1) / 1000,
  }),
});
const sender = fc.option(fc.record({ login: word }), { nil: null });

interface Valid {
  event: string;
  payload: Record<string, any>;
  deliveryId?: string;
  options: Required<GithubWebhookOptions>;
}

const options = fc.record({
  incidentLabels: fc.oneof(
    fc.constant<string[]>(['incident']),
    fc.array(fc.constantFrom('incident', 'Sev1', ' outage ', 'bug'), {
      minLength: 1,
      maxLength: 3,
    }),
  ),
  defaultBranchOnly: fc.boolean(),
});

const push = fc.record({
  ref: fc.oneof(
    fc.constantFrom('main', 'master', 'trunk').map(b => `refs/heads/${b}`),
    word.map(b => `refs/heads/${b}`),
    word.map(t => `refs/tags/v${t}`),
  ),
  before: sha,
  after: fc.oneof({ weight: 4, arbitrary: sha }, fc.constant('0'.repeat(40))),
  deleted: fc.boolean(),
  head_commit: fc.option(
    fc.record({
      id: sha,
      timestamp: validTime.map(t => t.text),
      message: text,
    }),
    { nil: null },
  ),
  commits: fc.array(
    fc.record(
      { id: sha, timestamp: validTime.map(t => t.text) },
      { requiredKeys: ['id'] },
    ),
    { maxLength: 4 },
  ),
  repository,
  sender,
});

const pullRequest = fc.record({
  action: fc.constantFrom(
    'opened',
    'closed',
    'edited',
    'synchronize',
    'reopened',
    'labeled',
    'ready_for_review',
  ),
  number: fc.nat({ max: 100_000 }),
  pull_request: fc.record({
    id,
    title: fc.option(text, { nil: null }),
    merged: fc.option(fc.boolean(), { nil: null }),
    merged_at: fc.option(
      validTime.map(t => t.text),
      { nil: null },
    ),
    closed_at: fc.option(
      validTime.map(t => t.text),
      { nil: null },
    ),
    created_at: validTime.map(t => t.text),
    updated_at: validTime.map(t => t.text),
    merge_commit_sha: fc.option(sha, { nil: null }),
    head: fc.record({ sha }),
    base: fc.record({ ref: fc.constantFrom('main', 'master', 'develop') }),
  }),
  repository,
  sender,
});

const deploymentObject = fc.record({
  id,
  sha,
  ref: word,
  task: fc.constant('deploy'),
  environment: nonEmpty,
  description: fc.option(text, { nil: null }),
  created_at: validTime.map(t => t.text),
});

const deployment = fc.record({
  action: fc.constant('created'),
  deployment: deploymentObject,
  repository,
  sender,
});

const deploymentStatus = fc.record({
  action: fc.constant('created'),
  deployment_status: fc.record({
    id,
    state: fc.oneof(
      fc.constantFrom(
        'success',
        'failure',
        'error',
        'queued',
        'pending',
        'in_progress',
        'waiting',
        'inactive',
      ),
      word,
      fc.constantFrom('constructor', 'toString', 'valueOf', '__proto__'),
    ),
    environment: text,
    description: fc.option(text, { nil: null }),
    created_at: validTime.map(t => t.text),
    updated_at: validTime.map(t => t.text),
  }),
  deployment: deploymentObject,
  repository,
  sender,
});

const workflowRun = fc.record({
  action: fc.oneof(
    fc.constantFrom('completed', 'requested', 'in_progress'),
    word,
    fc.constantFrom('constructor', 'toString', '__proto__'),
  ),
  workflow_run: fc.record({
    id,
    name: fc.option(text, { nil: null }),
    display_title: fc.option(text, { nil: null }),
    conclusion: fc.option(
      fc.constantFrom(
        'success',
        'neutral',
        'failure',
        'timed_out',
        'startup_failure',
        'cancelled',
        'skipped',
        'stale',
        'action_required',
        'toString',
        'constructor',
      ),
      { nil: null },
    ),
    head_sha: sha,
    run_attempt: fc.integer({ min: 1, max: 5 }),
    updated_at: validTime.map(t => t.text),
  }),
  repository,
  sender,
});

const issues = fc.record({
  action: fc.constantFrom(
    'opened',
    'reopened',
    'closed',
    'labeled',
    'edited',
    'assigned',
  ),
  issue: fc.record({
    number: fc.nat({ max: 100_000 }),
    title: fc.option(text, { nil: null }),
    labels: fc.array(
      fc.record({
        name: fc.constantFrom('incident', 'INCIDENT', 'bug', 'Sev1'),
      }),
      { maxLength: 3 },
    ),
    created_at: validTime.map(t => t.text),
    updated_at: validTime.map(t => t.text),
    closed_at: fc.option(
      validTime.map(t => t.text),
      { nil: null },
    ),
  }),
  label: fc.option(
    fc.record({ name: fc.constantFrom('incident', 'bug', ' Sev1 ') }),
    { nil: null },
  ),
  repository,
  sender,
});

const ping = fc.record({
  zen: text,
  hook_id: id,
  hook: fc.record({
    id,
    created_at: validTime.map(t => t.text),
    updated_at: validTime.map(t => t.text),
  }),
  repository: fc.option(repository, { nil: null }),
  sender,
});

const PAYLOADS: Record<string, fc.Arbitrary<Record<string, any>>> = {
  push,
  pull_request: pullRequest,
  deployment,
  deployment_status: deploymentStatus,
  workflow_run: workflowRun,
  issues,
  ping,
};

const validDelivery: fc.Arbitrary<Valid> = fc.oneof(
  ...Object.entries(PAYLOADS).map(([event, arb]) =>
    fc.record({
      event: fc.constant(event),
      payload: arb.map(p => JSON.parse(JSON.stringify(p))),
      deliveryId: fc.option(fc.uuid(), { nil: undefined }),
      options,
    }),
  ),
);

const toIso = (t: string) => {
  const ms = Date.parse(t);
  return new Date(ms).toISOString();
};

/** The kind and action the module comment of github.ts gives each delivery. */
function expected(v: Valid): { kind: string; action: string; at?: string } {
  const p = v.payload;
  const defaultBranchOnly = v.options.defaultBranchOnly;
  switch (v.event) {
    case 'push': {
      const branch = p.ref.startsWith('refs/heads/')
        ? p.ref.slice('refs/heads/'.length)
        : undefined;
      const deleted = p.deleted || /^0+$/.test(p.after);
      const merged =
        branch !== undefined &&
        !deleted &&
        (!defaultBranchOnly || branch === p.repository.default_branch);
      return {
        kind: merged ? 'change' : 'other',
        action: merged ? 'merged' : 'pushed',
        at: p.head_commit
          ? toIso(p.head_commit.timestamp)
          : new Date(p.repository.pushed_at * 1000).toISOString(),
      };
    }
    case 'pull_request': {
      const pr = p.pull_request;
      if (p.action === 'opened')
        return { kind: 'change', action: 'created', at: toIso(pr.created_at) };
      if (p.action === 'closed') {
        const merged = pr.merged === true || !!pr.merged_at;
        const other =
          merged &&
          defaultBranchOnly &&
          pr.base.ref !== p.repository.default_branch;
        return {
          kind: other ? 'other' : 'change',
          action: merged ? 'merged' : 'abandoned',
          at: toIso((merged ? pr.merged_at : pr.closed_at) ?? pr.updated_at),
        };
      }
      return { kind: 'change', action: 'updated', at: toIso(pr.updated_at) };
    }
    case 'deployment':
      return {
        kind: 'deployment',
        action: 'requested',
        at: toIso(p.deployment.created_at),
      };
    case 'deployment_status': {
      const state = p.deployment_status.state;
      const states: Record<string, string> = {
        success: 'deployed',
        failure: 'deployed',
        error: 'deployed',
        queued: 'requested',
        pending: 'requested',
        in_progress: 'requested',
        waiting: 'requested',
        inactive: 'removed',
      };
      const action = Object.hasOwn(states, state) ? states[state] : undefined;
      return {
        kind: action ? 'deployment' : 'other',
        action: action ?? state,
        at: toIso(p.deployment_status.updated_at),
      };
    }
    case 'workflow_run': {
      const actions: Record<string, string> = {
        completed: 'finished',
        requested: 'started',
        in_progress: 'started',
      };
      const action = Object.hasOwn(actions, p.action)
        ? actions[p.action]
        : undefined;
      return {
        kind: action ? 'build' : 'other',
        action: action ?? p.action,
        at: toIso(p.workflow_run.updated_at),
      };
    }
    case 'issues': {
      const wanted = new Set(
        v.options.incidentLabels.map(l => l.trim().toLowerCase()),
      );
      const isIncident = (n?: string) =>
        n !== undefined && wanted.has(n.trim().toLowerCase());
      const incident = p.issue.labels.some((l: { name: string }) =>
        isIncident(l.name),
      );
      if (incident && (p.action === 'opened' || p.action === 'reopened'))
        return { kind: 'incident', action: 'reported' };
      if (p.action === 'labeled' && isIncident(p.label?.name))
        return { kind: 'incident', action: 'reported' };
      if (incident && p.action === 'closed')
        return { kind: 'incident', action: 'resolved' };
      return { kind: 'other', action: p.action };
    }
    default:
      return { kind: 'other', action: 'ping', at: toIso(p.hook.updated_at) };
  }
}

function checkValid(v: Valid) {
  const result = run(v.event, v.payload, v.deliveryId, v.options);
  expectContract(result, v.event);
  const want = expected(v);
  expect(result).toMatchObject({
    ok: true,
    event: {
      kind: want.kind,
      action: want.action,
      ...(want.at ? { occurredAt: want.at } : {}),
    },
  });
  const event = (result as { event: Record<string, any> }).event;
  // The key is the signed content's, never the (unsigned) delivery id.
  expect(event.key.startsWith(`github:${v.event}:`)).toBe(true);
  expect(event.subject.repository).toBe(v.payload.repository?.full_name);
  expect(event.actor).toBe(v.payload.sender?.login || undefined);
}

// ---------------------------------------------------------------------------
// Garbage.

const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
  ...fuzz.ODD_STRINGS,
  'x'.repeat(70_000),
  '0'.repeat(40),
  'refs/heads/main',
  '1999-12-31T23:59:59Z',
  '2024-05-01T12:00:00',
  1e308,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  null,
  true,
  [],
  {},
  Array.from({ length: 1_001 }, () => ({ id: 'a' })),
);
const jsonish = fuzz.jsonOrHostile(hostile);

const eventName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVENTS) },
  fc.constantFrom(
    'star',
    'PUSH',
    'push ',
    '',
    'constructor',
    'toString',
    '__proto__',
    'hasOwnProperty',
    'x'.repeat(101),
  ),
  fc.string({ maxLength: 30 }),
);

const garbage = fc.oneof(fc.record({ event: eventName, payload: jsonish }), {
  weight: 4,
  arbitrary: fc
    .tuple(
      validDelivery,
      eventName,
      fuzz.mutationPaths(4),
      fuzz.replacements(jsonish),
    )
    .map(([v, otherEvent, paths, values]) => ({
      event: paths.length === 3 ? otherEvent : v.event,
      payload: fuzz.applyMutations(v.payload, paths, values),
      deliveryId: v.deliveryId,
      options: v.options,
    })),
});

const header = fc.oneof(
  fc.string({ maxLength: 210 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom('', ' ', 'a b', '\u0000', 'x'.repeat(200), 'x'.repeat(201)),
);

/** The X-GitHub-Event and X-GitHub-Delivery headers are checked first. */
function checkHeaders(v: Valid, event: string, deliveryId: string) {
  const result = run(event, v.payload, deliveryId, v.options);
  expectContract(result, event);
  const reason = result.ok ? undefined : result.reason;
  const eventOk = /^[a-z0-9_.-]{1,100}$/.test(event);
  const known = eventOk && EVENTS.includes(event);
  const idOk = /^[\x21-\x7e]{1,200}$/.test(deliveryId);
  if (!eventOk) expect(reason).toMatch(/^GitHub event name ".*" is not valid/s);
  else if (!known)
    expect(reason).toMatch(/^GitHub event ".*" is not used by DX metrics/s);
  else if (!idOk)
    expect(reason).toMatch(/^deliveryId: expected 1 to 200 printable/);
  else if (event === v.event) expect(result.ok).toBe(true);
}

// ---------------------------------------------------------------------------

describe('normalizeGithubWebhook (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid deliveries of every event (seed ${SEED}) as the mapping says`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(validDelivery, checkValid), {
        seed: SEED,
        numRuns: RUNS.valid,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `answers ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage and mutated deliveries (seed ${SEED}) with an event or a reason, never a throw`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(garbage, checkAny), {
        seed: SEED,
        numRuns: RUNS.garbage,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `checks the event and delivery headers of ${fuzz.fmt(
      RUNS.headers,
    )} generated deliveries (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validDelivery,
          fc.oneof(eventName, header),
          header,
          checkHeaders,
        ),
        { seed: SEED, numRuns: RUNS.headers },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.headers);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated deliveries with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validDelivery,
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          fuzz.prototypeKey,
          (v, path, key) => {
            const json = fuzz.jsonWithKey(v.payload, path, key, {
              polluted: true,
              full_name: 'evil/x',
              login: 'evil',
            });
            checkAny({ ...v, payload: JSON.parse(json) });
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const [event, json] of [
        ['push', '{"__proto__": {"polluted": true}}'],
        [
          'ping',
          '{"__proto__": {"hook": {"created_at": "2024-05-01T12:00:00Z"}}}',
        ],
        [
          'ping',
          '{"hook": {"created_at": "2024-05-01T12:00:00Z", "__proto__": {"polluted": true}}, "sender": {"__proto__": {"login": "evil"}}}',
        ],
        [
          'issues',
          '{"action": "opened", "issue": {"number": 1, "created_at": "2024-05-01T12:00:00Z", "labels": [{"__proto__": {"name": "incident"}}]}, "repository": {"full_name": "a/b"}}',
        ],
      ])
        checkAny({ event, payload: JSON.parse(json) });
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 4,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
