import type { ComponentProps } from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  SecretsContextProvider,
  type FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import type { PolicyCheckResult } from '@internal/plugin-golden-paths-common';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import { PolicyCheckField } from './PolicyCheckField';
import { policyCheckValidation, type PolicyCheckUiOptions } from './validation';
import { POLICY_CHECK_FIELD, policyCheckFieldOptions } from './index';

const violation: PolicyCheckResult = {
  problems: [],
  violations: [
    {
      rule: 'database-size-limit',
      parameter: 'storageGb',
      message:
        'Databases are between 1 and 1000 GB (storageGb 5000 is above the maximum of 1000)',
    },
  ],
  gates: [],
};

const gate: PolicyCheckResult = {
  problems: [],
  violations: [],
  gates: [
    {
      gate: 'large-database',
      parameter: 'storageGb',
      reason:
        'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
      value: 250,
    },
  ],
};

const clean: PolicyCheckResult = { problems: [], violations: [], gates: [] };

/** The policy of the tests: above 1000 GB breaks a rule, above 100 GB is gated. */
function evaluate(request: { parameters: Record<string, unknown> }) {
  const size = Number(request.parameters.storageGb ?? 0);
  if (size > 1000) return violation;
  if (size > 100) return gate;
  return clean;
}

function mockApi(
  impl: GoldenPathsApi['evaluatePolicy'] = async r => evaluate(r),
) {
  return { evaluatePolicy: jest.fn(impl) };
}

type FieldProps = FieldExtensionComponentProps<string, PolicyCheckUiOptions>;

function renderField(
  api: ReturnType<typeof mockApi>,
  options: { formData?: Record<string, unknown>; template?: string } = {},
) {
  const onChange = jest.fn();
  const props = {
    name: 'policy',
    formData: undefined,
    onChange,
    formContext: {
      formData: options.formData ?? { name: 'orders-db', storageGb: 250 },
    },
    uiSchema: {
      'ui:options':
        'template' in options
          ? { template: options.template }
          : { template: 'postgres-database' },
    },
    schema: { type: 'string', title: 'Policy check' },
    rawErrors: [],
  } as unknown as FieldProps;
  renderInTestApp(<PolicyCheckField {...props} />, {
    apis: [[goldenPathsApiRef, api]],
  });
  return { onChange };
}

/** What the scaffolder hands the validator. */
function validate(
  api: Partial<GoldenPathsApi> | undefined,
  formData: Record<string, unknown>,
  uiOptions: PolicyCheckUiOptions = { template: 'postgres-database' },
) {
  const errors: string[] = [];
  const promise = policyCheckValidation(
    'unchecked',
    { addError: (m: string) => errors.push(m) } as any,
    {
      apiHolder: {
        get: (ref: { id: string }) =>
          ref.id === goldenPathsApiRef.id ? api : undefined,
      } as any,
      formData: formData as any,
      schema: {},
      uiSchema: { 'ui:options': uiOptions },
    },
  );
  return Promise.resolve(promise).then(() => errors);
}

describe('PolicyCheck field', () => {
  it('shows a broken rule as an error line and stores the outcome', async () => {
    const api = mockApi();
    const { onChange } = renderField(api, {
      formData: { name: 'orders-db', storageGb: 5000, policy: 'passed' },
    });
    expect(
      await screen.findByText(
        'Databases are between 1 and 1000 GB (storageGb 5000 is above the maximum of 1000)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('policy-error')).toBeInTheDocument();
    expect(
      screen.getByText(/it cannot be submitted before/),
    ).toBeInTheDocument();
    // the whole form but the field's own value, with the template of ui:options
    expect(api.evaluatePolicy).toHaveBeenCalledWith({
      template: 'postgres-database',
      parameters: { name: 'orders-db', storageGb: 5000 },
    });
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith('blocked'));
  });

  it('shows each gate as "Needs approval: <reason>"', async () => {
    const { onChange } = renderField(mockApi());
    expect(await screen.findByTestId('policy-gate')).toHaveTextContent(
      'Needs approval: Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
    );
    expect(screen.queryByTestId('policy-error')).toBeNull();
    expect(screen.getByText(/You can submit the request/)).toBeInTheDocument();
    await waitFor(() =>
      expect(onChange).toHaveBeenLastCalledWith('needs-approval'),
    );
  });

  it('says when the request meets the policy', async () => {
    renderField(mockApi(), { formData: { storageGb: 20 } });
    expect(
      await screen.findByText('The request meets the organisation policy.'),
    ).toBeInTheDocument();
  });

  it('tells the template author when ui:options.template is missing', async () => {
    const api = mockApi();
    renderField(api, { template: undefined });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'ui:options.template',
    );
    expect(api.evaluatePolicy).not.toHaveBeenCalled();
  });

  describe('validation', () => {
    it('fails with each problem and broken rule, in words', async () => {
      const api = mockApi(async () => ({
        problems: ['name contains a ".." path segment'],
        violations: violation.violations,
        gates: gate.gates,
      }));
      await expect(
        validate(api, { name: '../x', storageGb: 5000, policy: 'blocked' }),
      ).resolves.toEqual([
        'name contains a ".." path segment',
        'Databases are between 1 and 1000 GB (storageGb 5000 is above the maximum of 1000)',
      ]);
      expect(api.evaluatePolicy).toHaveBeenCalledWith({
        template: 'postgres-database',
        parameters: { name: '../x', storageGb: 5000, policy: 'blocked' },
      });
    });

    it('passes a request that only needs approval', async () => {
      await expect(validate(mockApi(), { storageGb: 250 })).resolves.toEqual(
        [],
      );
    });

    it('fails when the policy cannot be checked or the field is not set up', async () => {
      const failing = mockApi(async () => {
        throw Object.assign(new Error('Request failed with 503'), {
          name: 'ResponseError',
          cause: { name: 'Error', message: 'golden-paths is starting' },
        });
      });
      await expect(validate(failing, { storageGb: 1 })).resolves.toEqual([
        'The request could not be checked against the policy: golden-paths is starting',
      ]);
      await expect(validate(mockApi(), {}, {})).resolves.toEqual([
        expect.stringContaining('ui:options.template'),
      ]);
      await expect(validate(undefined, {})).resolves.toEqual([
        expect.stringContaining('the golden-paths plugin is not installed'),
      ]);
    });
  });

  describe('in the create form', () => {
    // The stepper scrolls to the top of each page; jsdom has no scrolling.
    beforeEach(() => {
      jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
    });
    afterEach(() => jest.restoreAllMocks());

    const manifest: ComponentProps<typeof Stepper>['manifest'] = {
      title: 'PostgreSQL database',
      steps: [
        {
          title: 'Database',
          schema: {
            type: 'object',
            required: ['name', 'storageGb'],
            properties: {
              name: { type: 'string', title: 'Name' },
              storageGb: { type: 'integer', title: 'Storage (GB)' },
              policy: {
                type: 'string',
                title: 'Policy check',
                'ui:field': POLICY_CHECK_FIELD,
                'ui:options': { template: 'postgres-database' },
              },
            },
          },
        },
      ],
    };

    function renderForm(api: ReturnType<typeof mockApi>) {
      const onCreate = jest.fn(async () => {});
      renderInTestApp(
        <SecretsContextProvider>
          <Stepper
            manifest={manifest}
            extensions={[policyCheckFieldOptions]}
            onCreate={onCreate}
          />
        </SecretsContextProvider>,
        { apis: [[goldenPathsApiRef, api]] },
      );
      return { onCreate };
    }

    it('cannot be submitted while the request breaks a rule', async () => {
      const api = mockApi();
      renderForm(api);
      await userEvent.type(
        await screen.findByRole('textbox', { name: /Name/ }),
        'orders-db',
      );
      await userEvent.type(
        screen.getByRole('spinbutton', { name: /Storage/ }),
        '5000',
      );
      await screen.findByTestId('policy-error');
      await userEvent.click(screen.getByRole('button', { name: 'Review' }));

      await waitFor(() =>
        expect(
          screen.getAllByText(
            /Databases are between 1 and 1000 GB \(storageGb 5000 is above the maximum of 1000\)/,
          ).length,
        ).toBeGreaterThan(1),
      );
      expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
      // the scaffolder ran the field's validation on the whole form
      expect(api.evaluatePolicy).toHaveBeenCalledWith({
        template: 'postgres-database',
        parameters: { name: 'orders-db', storageGb: 5000, policy: 'blocked' },
      });
    });

    it('goes on to the review when the request only needs approval', async () => {
      const api = mockApi();
      const { onCreate } = renderForm(api);
      await userEvent.type(
        await screen.findByRole('textbox', { name: /Name/ }),
        'orders-db',
      );
      await userEvent.type(
        screen.getByRole('spinbutton', { name: /Storage/ }),
        '250',
      );
      await screen.findByTestId('policy-gate');
      await userEvent.click(screen.getByRole('button', { name: 'Review' }));
      await userEvent.click(
        await screen.findByRole('button', { name: 'Create' }),
      );
      await waitFor(() =>
        expect(onCreate).toHaveBeenCalledWith(
          expect.objectContaining({
            name: 'orders-db',
            storageGb: 250,
            policy: 'needs-approval',
          }),
        ),
      );
    });
  });
});
