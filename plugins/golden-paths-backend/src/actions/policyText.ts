import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_TEMPLATE_VERSION,
  GOLDEN_GATE_PARAMETER,
  type GoldenPathPolicy,
  type PolicyCondition,
} from '@internal/plugin-golden-paths-common';

/** A template parameter, in brief: what an agent needs to fill it in. */
export interface ParameterBrief {
  name: string;
  title?: string;
  type?: string;
  required: boolean;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

/** A rule or gate of the policy that applies to a template, in words. */
export interface PolicyItemText {
  id: string;
  parameter: string;
  text: string;
}

function list(values: Array<string | number | boolean>, last: string) {
  const words = values.map(v => String(v));
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

/**
 * A condition of the policy in words, as a predicate of its parameter:
 * `is at most 100`, `is one of node22 or python3.12`, `is required and
 * names a Group in the catalog`.
 */
export function conditionText(condition: PolicyCondition): string {
  const parts: string[] = [];
  if (condition.required) parts.push('is required');
  if (condition.pattern !== undefined) {
    parts.push(`matches ${condition.pattern} (the whole value)`);
  }
  if (condition.maxLength !== undefined) {
    parts.push(`has at most ${condition.maxLength} characters`);
  }
  if (condition.oneOf) parts.push(`is one of ${list(condition.oneOf, 'or')}`);
  if (condition.notOneOf) {
    parts.push(`is not ${list(condition.notOneOf, 'or')}`);
  }
  if (condition.min !== undefined && condition.max !== undefined) {
    parts.push(`is between ${condition.min} and ${condition.max}`);
  } else if (condition.min !== undefined) {
    parts.push(`is at least ${condition.min}`);
  } else if (condition.max !== undefined) {
    parts.push(`is at most ${condition.max}`);
  }
  if (condition.includes) {
    parts.push(`includes ${list(condition.includes, 'and')}`);
  }
  if (condition.entity) {
    parts.push(`names a ${condition.entity.kind} in the catalog`);
  }
  return parts.length ? parts.join(' and ') : 'may be anything';
}

/** The properties of a template's form, step by step, in brief. */
export function templateParameters(entity: Entity): ParameterBrief[] {
  const raw = (entity.spec as { parameters?: unknown } | undefined)?.parameters;
  const steps = (Array.isArray(raw) ? raw : [raw].filter(Boolean)) as Array<{
    properties?: Record<string, Record<string, unknown>>;
    required?: unknown;
  }>;
  const briefs: ParameterBrief[] = [];
  const seen = new Set<string>();
  for (const step of steps) {
    if (!step || typeof step !== 'object') continue;
    const required = new Set(
      Array.isArray(step.required) ? step.required.map(String) : [],
    );
    for (const [name, property] of Object.entries(step.properties ?? {})) {
      if (!property || typeof property !== 'object' || seen.has(name)) {
        continue;
      }
      // The form's own policy field and the continuation of a gate are
      // not parameters anyone fills in.
      if (
        name === GOLDEN_GATE_PARAMETER ||
        property['ui:field'] === 'PolicyCheck'
      ) {
        continue;
      }
      seen.add(name);
      const text = (key: string) =>
        typeof property[key] === 'string'
          ? (property[key] as string).replace(/\s+/g, ' ').trim()
          : undefined;
      const number = (key: string) =>
        typeof property[key] === 'number'
          ? (property[key] as number)
          : undefined;
      briefs.push({
        name,
        title: text('title'),
        type: text('type'),
        required: required.has(name),
        description: text('description'),
        ...(property.default !== undefined
          ? { default: property.default }
          : {}),
        ...(Array.isArray(property.enum) ? { enum: property.enum } : {}),
        minimum: number('minimum'),
        maximum: number('maximum'),
        pattern: text('pattern'),
      });
    }
  }
  return briefs;
}

function appliesTo(templates: string[] | undefined, template: string) {
  return !templates || templates.includes(template);
}

/**
 * The rules and gates of the policy that apply to a template, in words.
 * A rule or gate about a parameter the template does not ask for is left
 * out, except a rule that requires it. Unknown parameters (a template
 * without a form) keep everything that applies by name.
 */
export function policyForTemplate(
  policy: GoldenPathPolicy,
  template: string,
  parameters: string[] | undefined,
  reviewers: string,
): { rules: PolicyItemText[]; gates: PolicyItemText[] } {
  const asked = (parameter: string) =>
    !parameters || parameters.includes(parameter);
  const rules = policy.rules
    .filter(
      rule =>
        appliesTo(rule.templates, template) &&
        (asked(rule.parameter) || rule.required),
    )
    .map(rule => {
      const { id, parameter, templates, message, ...condition } = rule;
      return {
        id,
        parameter,
        text: `${message}: ${parameter} ${conditionText(
          condition,
        )}. A request that breaks it is refused.`,
      };
    });
  const gates = policy.gates
    .filter(
      gate => appliesTo(gate.templates, template) && asked(gate.parameter),
    )
    .map(gate => ({
      id: gate.id,
      parameter: gate.parameter,
      text: `${gate.reason}: the standard is that ${
        gate.parameter
      } ${conditionText(
        gate.standard,
      )}; a request outside it waits for approval by ${reviewers} (a person; no action approves it).`,
    }));
  return { rules, gates };
}

/** A template from the catalog, in brief, for an agent. */
export function templateBrief(entity: Entity) {
  return {
    title: entity.metadata.title,
    description: entity.metadata.description?.replace(/\s+/g, ' ').trim(),
    version: entity.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION],
    tags: entity.metadata.tags ?? [],
    owner:
      typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined,
    type: typeof entity.spec?.type === 'string' ? entity.spec.type : undefined,
  };
}
