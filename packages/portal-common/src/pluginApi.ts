import { ResponseError } from '@backstage/errors';

/**
 * How a client reaches another plugin: Backstage's DiscoveryApi and
 * FetchApi shapes, so a frontend passes its APIs and a backend its
 * discovery service.
 */
export interface PluginClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Default: the global fetch. */
  fetchApi?: { fetch: typeof fetch };
}

/** Per call: a token (a backend passes a plugin request token) and a signal. */
export interface PluginRequestOptions {
  token?: string;
  /** Default: give up after 30 s. */
  signal?: AbortSignal;
}

/** GET of a plugin's JSON API; any answer but 2xx is a `ResponseError`. */
export async function getPluginJson<T>(
  client: PluginClientOptions,
  pluginId: string,
  path: string,
  options?: PluginRequestOptions,
): Promise<T> {
  const base = await client.discoveryApi.getBaseUrl(pluginId);
  const doFetch = client.fetchApi?.fetch ?? fetch;
  const response = await doFetch(`${base}${path}`, {
    headers: options?.token
      ? { authorization: `Bearer ${options.token}` }
      : undefined,
    signal: options?.signal ?? AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw await ResponseError.fromResponse(response);
  return (await response.json()) as T;
}

/**
 * The part of a backend's auth service (`coreServices.auth`) that calls
 * another plugin as this plugin.
 */
export interface ServiceAuth<C = unknown> {
  getOwnServiceCredentials(): Promise<C>;
  getPluginRequestToken(options: {
    onBehalfOf: C;
    targetPluginId: string;
  }): Promise<{ token: string }>;
}

/** Request options carrying this plugin's token for `targetPluginId`. */
export async function asService<C>(
  auth: ServiceAuth<C>,
  targetPluginId: string,
  signal?: AbortSignal,
): Promise<PluginRequestOptions> {
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId,
  });
  return { token, signal };
}
