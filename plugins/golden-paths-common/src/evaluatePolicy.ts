import type {
  GoldenPathPolicy,
  PolicyCondition,
  PolicyGate,
  PolicyRule,
} from './policy';

/** A rule the request breaks: it cannot go ahead. */
export interface PolicyViolation {
  rule: string;
  parameter: string;
  message: string;
}

/** A standard the request leaves: it goes through a golden gate. */
export interface GateReason {
  gate: string;
  parameter: string;
  reason: string;
  /** The requested value, shown to the reviewer. */
  value: unknown;
}

export interface PolicyEvaluation {
  violations: PolicyViolation[];
  gates: GateReason[];
}

export interface PolicyEvaluationContext {
  /** Whether an entity of `kind` named by `value` exists in the catalog. */
  entityExists(value: string, kind: string): Promise<boolean>;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/**
 * The first way `value` misses `condition`, in words, or undefined when it
 * meets it. An absent value meets every condition but `required`: rules
 * only judge what a template asks for.
 */
export async function checkCondition(
  condition: PolicyCondition,
  value: unknown,
  context: PolicyEvaluationContext,
): Promise<string | undefined> {
  if (isEmpty(value)) {
    return condition.required ? 'is required' : undefined;
  }
  if (condition.pattern !== undefined) {
    if (
      typeof value !== 'string' ||
      !RegExp(`^(?:${condition.pattern})$`).test(value)
    ) {
      return `${describe(value)} does not match ${condition.pattern}`;
    }
  }
  if (condition.maxLength !== undefined) {
    if (typeof value === 'string' && value.length > condition.maxLength) {
      return `is ${value.length} characters long, at most ${condition.maxLength} allowed`;
    }
  }
  if (condition.oneOf && !condition.oneOf.some(v => v === value)) {
    return `${describe(value)} is not one of ${condition.oneOf.join(', ')}`;
  }
  if (condition.notOneOf && condition.notOneOf.some(v => v === value)) {
    return `${describe(value)} is not allowed`;
  }
  if (condition.min !== undefined || condition.max !== undefined) {
    const n =
      typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      return `${describe(value)} is not a number`;
    }
    if (condition.min !== undefined && n < condition.min) {
      return `${n} is below the minimum of ${condition.min}`;
    }
    if (condition.max !== undefined && n > condition.max) {
      return `${n} is above the maximum of ${condition.max}`;
    }
  }
  if (condition.includes) {
    const items = Array.isArray(value) ? value : [];
    const missing = condition.includes.filter(v => !items.includes(v));
    if (missing.length) {
      return `misses ${missing.join(', ')}`;
    }
  }
  if (condition.entity) {
    if (typeof value !== 'string') {
      return `${describe(value)} is not an entity reference`;
    }
    if (!(await context.entityExists(value, condition.entity.kind))) {
      return `no ${condition.entity.kind} ${describe(value)} in the catalog`;
    }
  }
  return undefined;
}

function appliesTo(item: PolicyRule | PolicyGate, template: string): boolean {
  return !item.templates || item.templates.includes(template);
}

/**
 * Judges a template request against the policy: every broken rule with
 * its message, and every gate whose standard the request leaves.
 */
export async function evaluatePolicy(
  policy: GoldenPathPolicy,
  request: { template: string; parameters: Record<string, unknown> },
  context: PolicyEvaluationContext,
): Promise<PolicyEvaluation> {
  const violations: PolicyViolation[] = [];
  const gates: GateReason[] = [];
  for (const rule of policy.rules) {
    if (!appliesTo(rule, request.template)) continue;
    const { id, parameter, templates, message, ...condition } = rule;
    const value = request.parameters[parameter];
    const failure = await checkCondition(condition, value, context);
    if (failure) {
      violations.push({
        rule: id,
        parameter,
        message: `${message} (${parameter} ${failure})`,
      });
    }
  }
  for (const gate of policy.gates) {
    if (!appliesTo(gate, request.template)) continue;
    const value = request.parameters[gate.parameter];
    if (isEmpty(value)) continue;
    const miss = await checkCondition(gate.standard, value, context);
    if (miss) {
      gates.push({
        gate: gate.id,
        parameter: gate.parameter,
        reason: `${gate.reason} (${gate.parameter} ${miss})`,
        value,
      });
    }
  }
  return { violations, gates };
}
