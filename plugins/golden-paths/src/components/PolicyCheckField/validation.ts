import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import type { PolicyCheckResult } from '@internal/plugin-golden-paths-common';
import { goldenPathsApiRef } from '../../api';
import { errorMessage } from '../shared/format';

/** `ui:options` of the PolicyCheck field. */
export type PolicyCheckUiOptions = {
  /** The template's name (`metadata.name`), as the policy's `templates` name it. */
  template?: string;
};

/** What the field stores as its own value: the outcome of the last check. */
export type PolicyCheckOutcome =
  | 'unchecked'
  | 'passed'
  | 'needs-approval'
  | 'blocked';

export function outcomeOf(result: PolicyCheckResult): PolicyCheckOutcome {
  if (result.problems.length || result.violations.length) return 'blocked';
  if (result.gates.length) return 'needs-approval';
  return 'passed';
}

/** Why the request cannot be submitted, one sentence each. */
export function blockingMessages(result: PolicyCheckResult): string[] {
  return [...result.problems, ...result.violations.map(v => v.message)];
}

export const MISSING_TEMPLATE =
  'The policy check is not set up: the template must name itself in ui:options.template of the PolicyCheck field';

/**
 * Validation of the PolicyCheck field, run by the scaffolder when the user
 * moves on from the form page that holds it: the whole form is checked
 * against the organisation policy, and each problem and broken rule is an
 * error, so the form cannot be submitted. Gates are no error: the request
 * goes ahead and waits for approval.
 */
export const policyCheckValidation: CustomFieldValidator<
  string,
  PolicyCheckUiOptions
> = async (_value, validation, context) => {
  const template = context.uiSchema?.['ui:options']?.template;
  if (!template) {
    validation.addError(MISSING_TEMPLATE);
    return;
  }
  const api = context.apiHolder.get(goldenPathsApiRef);
  if (!api) {
    validation.addError(
      'The policy check is not available: the golden-paths plugin is not installed in this app',
    );
    return;
  }
  let result: PolicyCheckResult;
  try {
    result = await api.evaluatePolicy({
      template,
      parameters: { ...(context.formData ?? {}) },
    });
  } catch (e) {
    validation.addError(
      `The request could not be checked against the policy: ${errorMessage(e)}`,
    );
    return;
  }
  for (const message of blockingMessages(result)) {
    validation.addError(message);
  }
};
