import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { PolicyCheckField } from './PolicyCheckField';
import { policyCheckValidation } from './validation';

export { PolicyCheckField } from './PolicyCheckField';
export {
  policyCheckValidation,
  type PolicyCheckOutcome,
  type PolicyCheckUiOptions,
} from './validation';

/** The name templates use: `ui:field: PolicyCheck`. */
export const POLICY_CHECK_FIELD = 'PolicyCheck';

/** The field as the scaffolder's form takes it (name, component, validation). */
export const policyCheckFieldOptions = {
  name: POLICY_CHECK_FIELD,
  component: PolicyCheckField,
  validation: policyCheckValidation,
};

/** The field for FormFieldBlueprint (the new frontend system). */
export const policyCheckFormField = createFormField(policyCheckFieldOptions);
