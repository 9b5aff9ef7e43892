import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { parseEventTime } from './common';
import { GENERIC_EVENT_ACTIONS, normalizeGenericEvent } from './generic';
import type { NormalizeResult } from './types';

/*
 * Property-based fuzzing of normalizeGenericEvent (the generic JSON event
 * format) and of parseEventTime, which reads every event time. Contract: a
 * payload is read into one event or refused with a reason naming the field
 * (`{ ok: false, reason }`); nothing is ever thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x6e_6e41c;
const MAX_CALL_MS = 500;
/** Generated inputs per property. */
const RUNS = { valid: 2_000, garbage: 4_000, pollution: 1_000, times: 4_000 };
const TYPES = Object.keys(GENERIC_EVENT_ACTIONS) as Array<
  keyof typeof GENERIC_EVENT_ACTIONS
>;
const KNOWN = [
  'id',
  'type',
  'action',
  'timestamp',
  'entityRef',
  'repository',
  'service',
  'environment',
  'outcome',
  'commitSha',
  'commits',
  'changeId',
  'incidentId',
  'deploymentId',
  'actor',
  'title',
];

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter(
  'normalizeGenericEvent/parseEventTime',
  SEED,
);

function run(payload: unknown): NormalizeResult {
  return inputs.time(() => normalizeGenericEvent(payload));
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What holds for every payload. */
function expectContract(result: NormalizeResult) {
  fuzz.expectNoPollution();
  expect(fuzz.unsafeObjects(result)).toEqual([]);
  if (!result.ok) {
    expect(Object.keys(result).sort()).toEqual(['ok', 'reason']);
    fuzz.expectReadable(result.reason, { maxLength: 2_000 });
    return;
  }
  const e = result.event;
  expect(e.source).toBe('generic');
  expect(e.key).toMatch(/^generic:.+/s);
  expect(e.key.length).toBeLessThanOrEqual('generic:'.length + 200);
  expect(TYPES).toContain(e.kind);
  expect(e.type).toBe(`generic.${e.kind}`);
  expect(
    (
      GENERIC_EVENT_ACTIONS[
        e.kind as keyof typeof GENERIC_EVENT_ACTIONS
      ] as readonly string[]
    ).includes(e.action),
  ).toBe(true);
  expect(e.occurredAt).toMatch(ISO_UTC);
  expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(Date.UTC(2000, 0, 1));
  expect(
    e.subject.entityRef ?? e.subject.repository ?? e.subject.service,
  ).toBeTruthy();
  if (e.outcome !== undefined)
    expect(['success', 'failure', 'error', 'cancelled']).toContain(e.outcome);
  if (e.commitSha !== undefined)
    expect(e.commitSha).toMatch(/^[0-9a-f]{7,64}$/);
  expect((e.commits ?? []).length).toBeLessThanOrEqual(1_000);
  for (const c of e.commits ?? []) {
    expect(c.sha).toMatch(/^[0-9a-f]{7,64}$/);
    if (c.at !== undefined) expect(c.at).toMatch(ISO_UTC);
  }
  // compact(): no undefined, empty strings or empty lists.
  for (const v of [...Object.values(e), ...Object.values(e.subject)]) {
    expect(v).not.toBeUndefined();
    expect(v).not.toBe('');
    expect(Array.isArray(v) && v.length === 0).toBe(false);
  }
  for (const f of result.ignoredFields ?? []) {
    expect(typeof f).toBe('string');
    expect(f.length).toBeLessThanOrEqual(101 + 'commits[999].'.length);
  }
  expect((result.ignoredFields ?? []).length).toBeLessThanOrEqual(50);
}

function checkAny(payload: unknown) {
  expectContract(run(payload));
}

// ---------------------------------------------------------------------------
// Times.

/** An ISO 8601 time with an offset, and the UTC time it means. */
const validTime = fc
  .record({
    ms: fc.integer({
      min: Date.UTC(2000, 0, 2),
      max: Date.UTC(9999, 11, 30),
    }),
    offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    zone: fc.constantFrom('Z', 'z', '+hh:mm', '+hhmm'),
    sep: fc.constantFrom('T', 't', ' '),
    digits: fc.integer({ min: 0, max: 9 }),
    extra: fc.stringMatching(/^\d{6}$/),
    comma: fc.boolean(),
  })
  .map(({ ms, offset, zone, sep, digits, extra, comma }) => {
    const minutes = zone === 'Z' || zone === 'z' ? 0 : offset;
    const local = new Date(ms + minutes * 60_000).toISOString();
    const fraction = `${local.slice(20, 23)}${extra}`.slice(0, digits);
    const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
    const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
    const sign = minutes < 0 ? '-' : '+';
    let suffix: string = zone;
    if (zone === '+hh:mm') suffix = `${sign}${hh}:${mm}`;
    if (zone === '+hhmm') suffix = `${sign}${hh}${mm}`;
    const text = `${local.slice(0, 10)}${sep}${local.slice(11, 19)}${
      digits ? `${comma ? ',' : '.'}${fraction}` : ''
    }${suffix}`;
    const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
    const iso = new Date(Math.floor(ms / 1000) * 1000 + millis).toISOString();
    return { text, iso };
  });

const timeNoise = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        '2024',
        '-',
        '01',
        '13',
        '00',
        '31',
        '29',
        '02',
        'T',
        ' ',
        ':',
        '59',
        '60',
        '24',
        '.',
        ',',
        '123456789',
        'Z',
        '+',
        '02:00',
        '0700',
        '1999',
        '0099',
        '9999',
        '99999',
      ),
      { maxLength: 16 },
    )
    .map(parts => parts.join('')),
  validTime.map(t => t.text.slice(0, -1)),
);

function checkTime(text: string) {
  inputs.count();
  const r = parseEventTime(text);
  if (!r.ok) {
    expect(r.message).toMatch(/^".*" is (not|before|after)/s);
    return;
  }
  expect(r.iso).toMatch(ISO_UTC);
  const ms = Date.parse(r.iso);
  expect(ms).toBeGreaterThanOrEqual(Date.UTC(2000, 0, 1));
  expect(ms).toBeLessThanOrEqual(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
}

// ---------------------------------------------------------------------------
// Valid events.

const nonEmpty = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
const sha = fc.stringMatching(/^[0-9a-fA-F]{7,64}$/);
const idValue = fc.oneof(
  fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  fc.string({ minLength: 1, maxLength: 200 }),
);

const validEvent = fc
  .record({
    id: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 50 })
      .filter(s => s.length <= 200),
    typeAction: fc.constantFrom(
      ...TYPES.flatMap(t => GENERIC_EVENT_ACTIONS[t].map(a => [t, a] as const)),
    ),
    time: validTime,
    about: fc.record(
      {
        entityRef: fc.stringMatching(
          /^(?:[a-z]+:)?(?:[a-z0-9-]+\/)?[a-z0-9-]+$/,
        ),
        repository: fc.stringMatching(/^[a-z0-9-]{1,10}\/[a-z0-9.-]{1,10}$/),
        service: nonEmpty,
      },
      { requiredKeys: [] },
    ),
    environment: fc.option(nonEmpty, { nil: undefined }),
    outcome: fc.option(
      fc.constantFrom('success', 'failure', 'error', 'cancelled'),
      { nil: undefined },
    ),
    commitSha: fc.option(sha, { nil: undefined }),
    commits: fc.option(
      fc.array(
        fc.record({ sha, at: fc.option(validTime, { nil: undefined }) }),
        { maxLength: 5 },
      ),
      { nil: undefined },
    ),
    changeId: fc.option(idValue, { nil: undefined }),
    incidentId: fc.option(idValue, { nil: undefined }),
    deploymentId: fc.option(idValue, { nil: undefined }),
    actor: fc.option(nonEmpty, { nil: undefined }),
    title: fc.option(
      fc
        .string({ unit: 'grapheme', maxLength: 100 })
        .filter(s => s.length <= 500),
      {
        nil: undefined,
      },
    ),
    extra: fc.dictionary(
      fc
        .string({ minLength: 1, maxLength: 120 })
        .filter(k => !KNOWN.includes(k)),
      fc.jsonValue({ maxDepth: 1 }),
      { maxKeys: 4, noNullPrototype: true },
    ),
  })
  .filter(
    g =>
      g.about.entityRef !== undefined ||
      g.about.repository !== undefined ||
      g.about.service !== undefined,
  );

type Generated = typeof validEvent extends fc.Arbitrary<infer T> ? T : never;

function payloadOf(g: Generated): Record<string, unknown> {
  const [type, action] = g.typeAction;
  return JSON.parse(
    JSON.stringify({
      ...g.extra,
      id: g.id,
      type,
      action,
      timestamp: g.time.text,
      ...g.about,
      environment: g.environment,
      outcome: g.outcome,
      commitSha: g.commitSha,
      commits: g.commits?.map(c => ({ sha: c.sha, at: c.at?.text })),
      changeId: g.changeId,
      incidentId: g.incidentId,
      deploymentId: g.deploymentId,
      actor: g.actor,
      title: g.title,
    }),
  );
}

function checkValid(g: Generated) {
  const result = run(payloadOf(g));
  expectContract(result);
  const [type, action] = g.typeAction;
  const defaultOutcome =
    type === 'deployment' && (action === 'deployed' || action === 'upgraded')
      ? 'success'
      : undefined;
  const id = (v: unknown) => (v === undefined ? undefined : String(v));
  const event = JSON.parse(
    JSON.stringify({
      key: `generic:${g.id}`,
      source: 'generic',
      type: `generic.${type}`,
      kind: type,
      action,
      occurredAt: g.time.iso,
      subject: g.about,
      environment: g.environment,
      outcome: g.outcome ?? defaultOutcome,
      commitSha: g.commitSha?.toLowerCase(),
      commits: g.commits?.length
        ? g.commits.map(c => ({ sha: c.sha.toLowerCase(), at: c.at?.iso }))
        : undefined,
      changeId: id(g.changeId),
      incidentId: id(g.incidentId),
      deploymentId: id(g.deploymentId),
      actor: g.actor,
      title: g.title || undefined,
    }),
  );
  const ignored = Object.keys(g.extra)
    .slice(0, 50)
    .map(k => (k.length > 100 ? `${k.slice(0, 100)}…` : k));
  expect(result).toEqual({
    ok: true,
    event,
    ...(ignored.length ? { ignoredFields: ignored } : {}),
  });
}

// ---------------------------------------------------------------------------
// Garbage.

/** JSON values that trip naive code in any field. */
const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  [[], {}],
  ...fuzz.POLLUTING_VALUES,
  ...fuzz.ODD_STRINGS,
  'x'.repeat(70_000),
  'é'.repeat(30_000),
  1e308,
  -1,
  -0,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  null,
  true,
  [],
  {},
  Array.from({ length: 1_001 }, () => ({ sha: 'abcdef1' })),
);
const jsonish = fuzz.jsonOrHostile(hostile);

const keyed = fc.dictionary(fc.constantFrom(...KNOWN), jsonish, {
  noNullPrototype: true,
});

const mutatedEvent = fuzz.mutated(validEvent.map(payloadOf), jsonish, 3);

// ---------------------------------------------------------------------------

describe('normalizeGenericEvent (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid generic events (seed ${SEED}) into the event they describe`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(validEvent, checkValid), {
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
    )} generated garbage and mutated payloads (seed ${SEED}) with an event or a reason, never a throw`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            jsonish,
            { weight: 2, arbitrary: keyed },
            { weight: 3, arbitrary: mutatedEvent },
          ),
          checkAny,
        ),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `parseEventTime reads ${fuzz.fmt(
      RUNS.times,
    )} generated valid times exactly and refuses ${fuzz.fmt(
      RUNS.times,
    )} generated others with a reason (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(validTime, ({ text, iso }) => {
          inputs.count();
          expect(parseEventTime(text)).toEqual({ ok: true, iso });
        }),
        { seed: SEED, numRuns: RUNS.times },
      );
      fc.assert(fc.property(timeNoise, checkTime), {
        seed: SEED,
        numRuns: RUNS.times,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.times * 2);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated payloads with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validEvent.map(payloadOf),
          fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
          fuzz.prototypeKey,
          (payload, path, key) => {
            const text = fuzz.jsonWithKey(payload, path, key, {
              polluted: true,
              type: 'deployment',
            });
            checkAny(JSON.parse(text));
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const text of [
        '{"__proto__": {"polluted": true}}',
        '{"__proto__": {"id": "x", "type": "build", "action": "queued", "timestamp": "2024-05-01T12:00:00Z", "service": "s"}}',
        '{"id": "x", "type": "build", "action": "queued", "timestamp": "2024-05-01T12:00:00Z", "service": "s", "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
        '{"id": "x", "type": "build", "action": "queued", "timestamp": "2024-05-01T12:00:00Z", "service": "s", "commits": [{"sha": "abcdef1", "__proto__": {"polluted": true}}]}',
      ])
        checkAny(JSON.parse(text));
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 4,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
