import { z } from 'zod';

/**
 * Organisation rules for golden paths, written as data (in app-config or a
 * policy file), never as code.
 *
 * - A `rule` that fails stops the request with its message.
 * - A `gate` whose `standard` is not met lets the request through a golden
 *   gate: the platform team approves or rejects it.
 */
const conditionShape = {
  /** The value is present and not empty. */
  required: z.boolean().optional(),
  /** A regular expression the whole string value must match. */
  pattern: z.string().optional(),
  /** Allowed values. */
  oneOf: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Values that are not allowed. */
  notOneOf: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Bounds of a numeric value. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Longest string. */
  maxLength: z.number().int().positive().optional(),
  /** An array value must hold each of these (required tags, for example). */
  includes: z.array(z.string()).optional(),
  /** The value names an existing catalog entity of this kind (an owner). */
  entity: z
    .object({ kind: z.string().min(1) })
    .strict()
    .optional(),
};

const conditionSchema = z.object(conditionShape).strict();

const scopeShape = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by -'),
  /** The template parameter the rule reads. */
  parameter: z.string().min(1),
  /** Template names the rule applies to; every template when absent. */
  templates: z.array(z.string().min(1)).optional(),
};

const ruleSchema = z
  .object({ ...scopeShape, ...conditionShape, message: z.string().min(1) })
  .strict();

const gateSchema = z
  .object({
    ...scopeShape,
    standard: conditionSchema,
    reason: z.string().min(1),
  })
  .strict();

export const goldenPathPolicySchema = z
  .object({
    rules: z.array(ruleSchema).default([]),
    gates: z.array(gateSchema).default([]),
  })
  .strict();

export type PolicyCondition = z.infer<typeof conditionSchema>;
export type PolicyRule = z.infer<typeof ruleSchema>;
export type PolicyGate = z.infer<typeof gateSchema>;
export type GoldenPathPolicy = z.infer<typeof goldenPathPolicySchema>;

/**
 * Reads a policy document; a mistake in it is an error naming the path of
 * the offending field (`rules[2].pattern: ...`).
 */
export function parseGoldenPathPolicy(
  data: unknown,
  where = 'policy',
): GoldenPathPolicy {
  const result = goldenPathPolicySchema.safeParse(data ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const path = issue.path
        .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      return `${path || '(root)'}: ${issue.message}`;
    });
    throw new Error(`invalid golden-path ${where}: ${problems.join('; ')}`);
  }
  const policy = result.data;
  const ids = new Set<string>();
  for (const item of [...policy.rules, ...policy.gates]) {
    if (ids.has(item.id)) {
      throw new Error(
        `invalid golden-path ${where}: duplicate id "${item.id}"`,
      );
    }
    ids.add(item.id);
    const patterns = [
      'pattern' in item ? item.pattern : undefined,
      'standard' in item ? item.standard.pattern : undefined,
    ];
    for (const pattern of patterns) {
      if (pattern === undefined) continue;
      try {
        RegExp(pattern);
      } catch (error) {
        throw new Error(
          `invalid golden-path ${where}: ${item.id}: bad pattern: ${error}`,
        );
      }
    }
  }
  return policy;
}
