import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { normalizeCdEvent } from './cdevents';
import type { NormalizedEvent, NormalizeResult } from './types';

/*
 * Property-based fuzzing of normalizeCdEvent (CDEvents 0.3 to 0.5).
 * Contract: a payload is read into one event or refused with a reason that
 * names the field (`{ ok: false, reason }`); nothing is ever thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0xcde_7e11;
const MAX_CALL_MS = 500;
/** Generated inputs per property. */
const RUNS = { valid: 2_500, garbage: 4_000, pollution: 1_000 };

/** Subjects and predicates of CDEvents 0.3 to 0.5 (from the spec). */
const SUBJECTS: Record<string, string[]> = {
  pipelinerun: ['queued', 'started', 'finished'],
  taskrun: ['started', 'finished'],
  repository: ['created', 'modified', 'deleted'],
  branch: ['created', 'deleted'],
  change: ['created', 'reviewed', 'merged', 'abandoned', 'updated'],
  build: ['queued', 'started', 'finished'],
  artifact: ['packaged', 'published', 'signed', 'downloaded', 'deleted'],
  testcase: ['queued', 'started', 'finished'],
  testsuite: ['started', 'finished'],
  testcaserun: ['queued', 'started', 'finished', 'skipped'],
  testsuiterun: ['queued', 'started', 'finished'],
  testoutput: ['published'],
  environment: ['created', 'modified', 'deleted'],
  service: ['deployed', 'upgraded', 'rolledback', 'removed', 'published'],
  incident: ['detected', 'reported', 'resolved'],
  ticket: ['created', 'updated', 'closed'],
};
const KIND_OF: Record<string, NormalizedEvent['kind']> = {
  change: 'change',
  service: 'deployment',
  incident: 'incident',
  build: 'build',
  pipelinerun: 'build',
};

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('normalizeCdEvent', SEED);

function run(payload: unknown): NormalizeResult {
  return inputs.time(() => normalizeCdEvent(payload));
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TYPE =
  /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

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
  expect(e.source).toBe('cdevents');
  expect(e.key).toMatch(/^cdevents:.+:.+$/s);
  const m = TYPE.exec(e.type);
  expect(m).not.toBeNull();
  expect(SUBJECTS[m![1]]).toContain(m![2]);
  expect(e.action).toBe(m![2]);
  expect(e.kind).toBe(KIND_OF[m![1]] ?? 'other');
  expect(e.occurredAt).toMatch(ISO_UTC);
  if (e.outcome !== undefined)
    expect(['success', 'failure', 'error', 'cancelled']).toContain(e.outcome);
  if (e.title !== undefined) {
    expect(e.title.trim()).toBe(e.title);
    expect([...e.title].length).toBeLessThanOrEqual(500);
  }
  for (const v of [...Object.values(e), ...Object.values(e.subject)]) {
    expect(v).not.toBeUndefined();
    expect(v).not.toBe('');
  }
}

function checkAny(payload: unknown) {
  expectContract(run(payload));
}

// ---------------------------------------------------------------------------
// Valid CDEvents.

const validTime = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2000, 0, 2), max: Date.UTC(2099, 0, 1) }),
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
      text: `${local.slice(0, 23)}${zone}`,
      iso: new Date(ms).toISOString(),
    };
  });

const nonEmpty = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const keyPart = fc.string({ minLength: 1, maxLength: 60 });

const content = (
  subject: string,
  predicate: string,
): fc.Arbitrary<Record<string, unknown>> =>
  contentOf(subject, predicate) as unknown as fc.Arbitrary<
    Record<string, unknown>
  >;

function contentOf(subject: string, predicate: string) {
  const environment = fc.record(
    { id: nonEmpty, source: text },
    { requiredKeys: ['id'] },
  );
  const repository = fc.record(
    { id: text, name: text, owner: text },
    { requiredKeys: [] },
  );
  const kind = KIND_OF[subject] ?? 'other';
  if (kind === 'change')
    return fc.record({ repository, description: text }, { requiredKeys: [] });
  if (kind === 'deployment')
    return ['removed', 'published'].includes(predicate)
      ? fc.record({ environment, artifactId: text }, { requiredKeys: [] })
      : fc.record(
          { environment, artifactId: text },
          { requiredKeys: ['environment'] },
        );
  if (kind === 'incident')
    return fc.record(
      {
        environment,
        service: fc.record({ id: nonEmpty }),
        description: text,
      },
      { requiredKeys: ['environment'] },
    );
  if (kind === 'build')
    return fc.record(
      {
        outcome: fc.oneof(
          fc.constantFrom('success', 'FAILURE', 'error', 'cancel', 'Canceled'),
          text,
        ),
        pipelineName: text,
        artifactId: text,
      },
      { requiredKeys: [] },
    );
  return fc.record(
    { repository, environment, name: text, owner: text },
    { requiredKeys: [] },
  );
}

const customData = fc.option(
  fc.oneof(
    fc.constant('eyJiYXNlNjQiOnRydWV9'),
    fc.record({
      backstage: fc.record({
        entityRef: fc.stringMatching(
          /^(?:[a-z]+:)?(?:[a-z0-9-]+\/)?[a-z0-9-]+$/,
        ),
      }),
    }),
  ),
  { nil: undefined },
);
const common = {
  version: fc.constantFrom('0.3.0', '0.4.1', '0.5.0', '0.5.0-draft'),
  versionField: fc.constantFrom('specversion', 'version'),
  id: keyPart,
  source: keyPart,
  time: validTime,
  subjectId: nonEmpty,
  customData,
};

/** One arbitrary per subject and predicate, built once (no chain). */
const validEvent = fc.oneof(
  ...Object.entries(SUBJECTS).flatMap(([subject, predicates]) =>
    predicates.map(predicate => {
      const needsContent =
        (subject === 'service' &&
          !['removed', 'published'].includes(predicate)) ||
        subject === 'incident';
      return fc.record({
        ...common,
        subject: fc.constant(subject),
        predicate: fc.constant(predicate),
        subjectType: fc.option(
          fc.constantFrom(subject, subject.toUpperCase()),
          { nil: undefined },
        ),
        content: needsContent
          ? content(subject, predicate)
          : fc.option(content(subject, predicate), { nil: undefined }),
      });
    }),
  ),
);

type Generated = typeof validEvent extends fc.Arbitrary<infer T> ? T : never;

function payloadOf(g: Generated): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      context: {
        id: g.id,
        source: g.source,
        type: `dev.cdevents.${g.subject}.${g.predicate}.${g.version}`,
        timestamp: g.time.text,
        [g.versionField]: g.version,
      },
      subject: { id: g.subjectId, type: g.subjectType, content: g.content },
      customData: g.customData,
    }),
  );
}

const title = (s: string | undefined) => s?.trim() || undefined;
const repositoryName = (r?: { id?: string; name?: string; owner?: string }) => {
  if (!r) return undefined;
  if (r.owner && r.name) return `${r.owner}/${r.name}`;
  return r.id || r.name || undefined;
};
function outcomeOf(v: string | undefined) {
  const l = v?.toLowerCase();
  if (l === 'success' || l === 'failure' || l === 'error') return l;
  if (l === 'cancel' || l === 'cancelled' || l === 'canceled')
    return 'cancelled';
  return undefined;
}

/** The event the CDEvents mapping (cdevents.ts module comment) describes. */
function expectedEvent(g: Generated): NormalizedEvent {
  const c = (g.content ?? {}) as any;
  const kind = KIND_OF[g.subject] ?? 'other';
  const e: Record<string, unknown> = {
    key: `cdevents:${g.source}:${g.id}`,
    source: 'cdevents',
    type: `dev.cdevents.${g.subject}.${g.predicate}.${g.version}`,
    kind,
    action: g.predicate,
    occurredAt: g.time.iso,
    environment: c.environment?.id,
  };
  const subject: Record<string, unknown> = {
    entityRef:
      typeof g.customData === 'object'
        ? g.customData.backstage.entityRef
        : undefined,
  };
  if (kind === 'change') {
    subject.repository = repositoryName(c.repository);
    e.changeId = g.subjectId;
    e.title = title(c.description);
  } else if (kind === 'deployment') {
    subject.service = g.subjectId;
    if (g.predicate === 'deployed' || g.predicate === 'upgraded')
      e.outcome = 'success';
    e.title = title(c.artifactId);
  } else if (kind === 'incident') {
    subject.service = c.service?.id;
    e.incidentId = g.subjectId;
    e.title = title(c.description);
  } else if (kind === 'build') {
    e.outcome = outcomeOf(c.outcome);
    e.title = title(c.pipelineName ?? c.artifactId);
  } else {
    subject.repository =
      repositoryName(c.repository) ??
      (g.subject === 'repository'
        ? repositoryName({ owner: c.owner, name: c.name })
        : undefined);
  }
  const drop = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== undefined && v !== ''),
    );
  return { ...drop(e), subject: drop(subject) } as unknown as NormalizedEvent;
}

function checkValid(g: Generated) {
  const result = run(payloadOf(g));
  expectContract(result);
  expect(result).toEqual({ ok: true, event: expectedEvent(g) });
}

// ---------------------------------------------------------------------------
// Garbage.

const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
  ...fuzz.ODD_STRINGS,
  'x'.repeat(70_000),
  'x'.repeat(1_001),
  'dev.cdeventsx.custom.thing.0.1.0',
  'dev.cdevents.service.deployed.0.3.0',
  'dev.cdevents.nosuch.deployed.0.3.0',
  'dev.cdevents.service.exploded.0.3.0',
  'dev.cdevents.service.deployed.1.0.0',
  '1.0.0',
  '0.4.1',
  '1999-12-31T23:59:59Z',
  '2024-02-30T00:00:00Z',
  '2024-05-01T12:00:00',
  1e308,
  -1,
  null,
  true,
  [],
  {},
);
const jsonish = fuzz.jsonOrHostile(hostile);

const keyed = fc.record(
  {
    context: fc.dictionary(
      fc.constantFrom(
        'id',
        'source',
        'type',
        'timestamp',
        'specversion',
        'version',
      ),
      jsonish,
      { noNullPrototype: true },
    ),
    subject: fc.dictionary(
      fc.constantFrom('id', 'type', 'content', 'source'),
      jsonish,
      { noNullPrototype: true },
    ),
    customData: jsonish,
  },
  { requiredKeys: [] },
);

const mutatedEvent = fuzz.mutated(validEvent.map(payloadOf), jsonish, 4);

// ---------------------------------------------------------------------------

describe('normalizeCdEvent (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid CDEvents of every subject and predicate (seed ${SEED}) as the mapping says`,
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
    )} generated garbage and mutated CDEvents (seed ${SEED}) with an event or a reason, never a throw`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            jsonish,
            { weight: 2, arbitrary: keyed },
            { weight: 4, arbitrary: mutatedEvent },
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
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated CDEvents with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validEvent.map(payloadOf),
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          fuzz.prototypeKey,
          (payload, path, key) => {
            const json = fuzz.jsonWithKey(payload, path, key, {
              polluted: true,
              id: 'evil',
              type: 'x',
            });
            checkAny(JSON.parse(json));
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const json of [
        '{"__proto__": {"polluted": true}}',
        '{"__proto__": {"context": {"type": "dev.cdevents.build.queued.0.4.1"}}}',
        '{"context": {"__proto__": {"polluted": true}}, "subject": {}}',
        '{"context": {"id": "1", "source": "s", "type": "dev.cdevents.build.queued.0.4.1", "timestamp": "2024-05-01T12:00:00Z", "version": "0.4.1"}, "subject": {"id": "b", "content": {"__proto__": {"outcome": "success"}}}, "customData": {"__proto__": {"backstage": {"entityRef": "evil"}}}}',
      ])
        checkAny(JSON.parse(json));
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 4,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
