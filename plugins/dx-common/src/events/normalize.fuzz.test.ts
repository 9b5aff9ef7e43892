import fc from 'fast-check';
import { normalizeCdEvent } from './cdevents';
import { normalizeGenericEvent } from './generic';
import { normalizeGithubWebhook } from './github';
import { normalizeEvent, NormalizeEventInput } from './normalize';
import type { NormalizeResult } from './types';

/*
 * Property-based fuzzing of normalizeEvent, the entry point that reads an
 * event in any of the three formats. Contract: it hands the payload to the
 * format's normaliser and answers what that answers; an unknown format or a
 * GitHub delivery without its event header is a reason; nothing is thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x0_4e0_ea1;
const TIMEOUT_MS = 60_000;
/** Generated inputs per property. */
const RUNS = { inputs: 5_000, pollution: 1_000 };
const fmt = (count: number) => count.toLocaleString('en-US');

const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(
  Object.prototype,
).sort();
const FORMATS = ['cdevents', 'github', 'generic'];

let executed = 0;

function expectNoPollution() {
  expect(({} as any).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    OBJECT_PROTOTYPE_KEYS,
  );
}

/** What the format's own normaliser answers. */
function direct(input: NormalizeEventInput): NormalizeResult | undefined {
  switch (input.format) {
    case 'cdevents':
      return normalizeCdEvent(input.payload);
    case 'generic':
      return normalizeGenericEvent(input.payload);
    case 'github':
      return input.githubEvent === undefined
        ? {
            ok: false,
            reason: 'githubEvent: missing (the X-GitHub-Event header)',
          }
        : normalizeGithubWebhook(
            input.githubEvent,
            input.payload,
            input.deliveryId,
            input.githubOptions,
          );
    default:
      return undefined;
  }
}

function check(input: NormalizeEventInput) {
  executed++;
  const result = normalizeEvent(input);
  expectNoPollution();
  const expected = direct(input);
  if (expected !== undefined) {
    expect(result).toEqual(expected);
    return;
  }
  expect(result.ok).toBe(false);
  const reason = (result as { reason: string }).reason;
  expect(reason).toMatch(
    /^format: ".*" is not an event format \(cdevents, github, generic\)$/s,
  );
  expect(reason).not.toMatch(/\[object Object\]|\bfunction\b/);
  expect(reason.length).toBeLessThan(200);
}

// ---------------------------------------------------------------------------
// Generators.

const hostile = fc.constantFrom<unknown>(
  { toString: 1 },
  { toString: null, valueOf: null },
  [{ toString: 1 }],
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  '',
  'x'.repeat(10_000),
  null,
  undefined,
  1e308,
  [],
  {},
);

/** A few real payloads, so that the delegation is seen succeeding too. */
const realPayload = fc.constantFrom<unknown>(
  {
    id: 'deploy-1',
    type: 'deployment',
    action: 'deployed',
    timestamp: '2024-05-01T12:00:00+02:00',
    entityRef: 'component:default/checkout',
  },
  {
    context: {
      id: '1',
      source: 'ci',
      type: 'dev.cdevents.service.deployed.0.4.1',
      timestamp: '2024-05-01T12:00:00Z',
      version: '0.4.1',
    },
    subject: { id: 'checkout', content: { environment: { id: 'prod' } } },
  },
  {
    zen: 'Keep it logically awesome.',
    hook_id: 1,
    hook: { id: 1, created_at: '2024-05-01T12:00:00Z' },
  },
);

const input: fc.Arbitrary<NormalizeEventInput> = fc.record(
  {
    format: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FORMATS) },
      fc.constantFrom(
        'CDEVENTS',
        'cloudevents',
        '',
        'constructor',
        '__proto__',
      ),
      fc.string({ maxLength: 80 }),
      hostile,
    ) as fc.Arbitrary<NormalizeEventInput['format']>,
    payload: fc.oneof(realPayload, fc.jsonValue({ maxDepth: 3 }), hostile),
    githubEvent: fc.oneof(
      fc.constantFrom('push', 'ping', 'deployment', 'star', ''),
      fc.string({ maxLength: 20 }),
    ),
    deliveryId: fc.oneof(fc.uuid(), fc.string({ maxLength: 20 })),
    githubOptions: fc.record(
      {
        incidentLabels: fc.array(fc.string({ maxLength: 10 }), {
          maxLength: 3,
        }),
        defaultBranchOnly: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['format', 'payload'] },
);

// ---------------------------------------------------------------------------

describe('normalizeEvent (fuzz)', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`fuzz normalizeEvent: ${executed} inputs, seed ${SEED}`);
  });

  it(
    `answers all ${fmt(
      RUNS.inputs,
    )} generated inputs (seed ${SEED}) as the format's normaliser does, or refuses the format`,
    () => {
      const before = executed;
      fc.assert(fc.property(input, check), {
        seed: SEED,
        numRuns: RUNS.inputs,
      });
      expect(executed - before).toBeGreaterThanOrEqual(RUNS.inputs);
    },
    TIMEOUT_MS,
  );

  it(
    `never lets ${fmt(
      RUNS.pollution,
    )} generated inputs with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = executed;
      fc.assert(
        fc.property(
          fc.constantFrom(...FORMATS),
          fc.constantFrom('__proto__', 'constructor', 'prototype'),
          fc.jsonValue({ maxDepth: 2 }),
          (format, key, value) => {
            const json = `{${JSON.stringify(key)}: ${JSON.stringify({
              polluted: true,
              value,
            })}, "format": ${JSON.stringify(format)}}`;
            const parsed = JSON.parse(json);
            check({
              format: parsed.format,
              payload: parsed,
              githubEvent: 'ping',
            });
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      check(
        JSON.parse(
          '{"format": "generic", "payload": {"__proto__": {"polluted": true}}}',
        ),
      );
      check(
        JSON.parse(
          '{"__proto__": {"format": "github"}, "format": "x", "payload": 1}',
        ),
      );
      expectNoPollution();
      expect(executed - before).toBeGreaterThanOrEqual(RUNS.pollution + 2);
    },
    TIMEOUT_MS,
  );
});
