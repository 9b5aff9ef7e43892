import {
  configApiRef,
  createFrontendModule,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { ErrorPanel, SignInPage } from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { oidcAuthApi } from './oidcAuthApi';
import { resolveSignInProviders } from './signInProviders';

function PortalSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const ids = configApi.getOptionalStringArray('portal.signIn.providers') ?? [
    'guest',
  ];
  let providers;
  try {
    providers = resolveSignInProviders(ids);
  } catch (error) {
    return (
      <ErrorPanel title="Sign-in is misconfigured" error={error as Error} />
    );
  }
  return (
    <SignInPage
      {...props}
      title="Platform Portal"
      align="center"
      providers={providers}
    />
  );
}

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => PortalSignInPage },
});

/** Sign-in page whose providers come from `portal.signIn.providers`. */
export const authModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, oidcAuthApi],
});
