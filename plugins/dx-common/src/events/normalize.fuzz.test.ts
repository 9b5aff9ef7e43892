import * as fuzz from '@internal/fuzz-test-utils';
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
/** Generated inputs per property. */
const RUNS = { inputs: 5_000, pollution: 1_000 };

const FORMATS = ['cdevents', 'github', 'generic'];

const inputs = fuzz.createInputCounter('normalizeEvent', SEED);

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
  inputs.count();
  const result = normalizeEvent(input);
  fuzz.expectNoPollution();
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
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
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
  afterAll(inputs.report);

  it(
    `answers all ${fuzz.fmt(
      RUNS.inputs,
    )} generated inputs (seed ${SEED}) as the format's normaliser does, or refuses the format`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(input, check), {
        seed: SEED,
        numRuns: RUNS.inputs,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.inputs);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated inputs with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.constantFrom(...FORMATS),
          fuzz.prototypeKey,
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
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 2,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
