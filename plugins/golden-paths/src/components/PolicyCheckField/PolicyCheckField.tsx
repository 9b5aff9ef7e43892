import { useEffect, useMemo, useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormLabel from '@material-ui/core/FormLabel';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { goldenPathsApiRef } from '../../api';
import { errorMessage } from '../shared/format';
import {
  blockingMessages,
  MISSING_TEMPLATE,
  outcomeOf,
  type PolicyCheckUiOptions,
} from './validation';

/** How long the form must be still before it is checked again. */
const DEBOUNCE_MS = 400;

/**
 * Checks the whole form against the organisation policy while it is filled
 * in: broken rules and problems as errors (the form cannot be submitted),
 * standards the request leaves as "Needs approval: <reason>". Its own value
 * is the outcome of the check (`passed`, `needs-approval`, `blocked`).
 */
export function PolicyCheckField(
  props: FieldExtensionComponentProps<string, PolicyCheckUiOptions>,
) {
  const { formContext, uiSchema, onChange, formData, name, schema, rawErrors } =
    props;
  const api = useApi(goldenPathsApiRef);
  const template = uiSchema?.['ui:options']?.template;

  // Everything the user filled in, on every page, but this field's own value.
  const allData = (formContext?.formData ?? {}) as Record<string, unknown>;
  const key = JSON.stringify(
    Object.fromEntries(Object.entries(allData).filter(([k]) => k !== name)),
  );
  const [checkedKey, setCheckedKey] = useState(key);
  useDebounce(() => setCheckedKey(key), DEBOUNCE_MS, [key]);

  const { value, loading, error } = useAsync(async () => {
    if (!template) return undefined;
    return api.evaluatePolicy({ template, parameters: JSON.parse(checkedKey) });
  }, [api, template, checkedKey]);

  const outcome = value ? outcomeOf(value) : 'unchecked';
  useEffect(() => {
    // A value makes the scaffolder run the field's validation on submit.
    if (formData !== outcome) onChange(outcome);
  }, [outcome, formData, onChange]);

  const blocking = useMemo(
    () => (value ? blockingMessages(value) : []),
    [value],
  );

  let body: JSX.Element;
  if (!template) {
    body = (
      <Typography variant="body2" color="error" role="alert">
        {MISSING_TEMPLATE}
      </Typography>
    );
  } else if (error) {
    body = (
      <Typography variant="body2" color="error" role="alert">
        The request could not be checked against the policy:{' '}
        {errorMessage(error)}
      </Typography>
    );
  } else if (!value) {
    body = (
      <>
        <Typography variant="body2">
          Checking the request against the organisation policy…
        </Typography>
        <Progress />
      </>
    );
  } else {
    body = (
      <>
        {blocking.map((message, i) => (
          <Typography
            key={`e${i}`}
            variant="body2"
            color="error"
            data-testid="policy-error"
          >
            {message}
          </Typography>
        ))}
        {value.gates.map((gate, i) => (
          <Typography key={`g${i}`} variant="body2" data-testid="policy-gate">
            Needs approval: {gate.reason}
          </Typography>
        ))}
        {blocking.length > 0 && (
          <Typography variant="body2" color="textSecondary">
            Change the request to meet the policy; it cannot be submitted
            before.
          </Typography>
        )}
        {blocking.length === 0 && value.gates.length > 0 && (
          <Typography variant="body2" color="textSecondary">
            You can submit the request: it waits for the platform team&apos;s
            approval, which you follow under Golden paths → Golden gates.
          </Typography>
        )}
        {blocking.length === 0 && value.gates.length === 0 && (
          <Typography variant="body2">
            The request meets the organisation policy.
          </Typography>
        )}
        {loading && <Progress />}
      </>
    );
  }

  return (
    <FormControl
      component="fieldset"
      fullWidth
      margin="normal"
      error={Boolean(rawErrors?.length) || blocking.length > 0}
    >
      <FormLabel component="legend">
        {schema?.title ?? 'Policy check'}
      </FormLabel>
      {schema?.description && (
        <Typography variant="caption" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      <Box mt={1} aria-live="polite" data-testid="policy-check">
        {body}
      </Box>
    </FormControl>
  );
}
