/**
 * Settings read when the page loads, not at build time: nginx serves
 * /config.json from the container's environment, so one image runs in every
 * environment.
 */
export interface RuntimeConfig {
  /** OTLP/HTTP endpoint of a collector reachable from browsers. */
  otlpEndpoint?: string;
}

/** Keeps what is usable from a /config.json document, drops the rest. */
export function parseRuntimeConfig(data: unknown): RuntimeConfig {
  if (!data || typeof data !== 'object') return {};
  const endpoint = (data as Record<string, unknown>).otlpEndpoint;
  if (typeof endpoint !== 'string' || endpoint === '') return {};
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return {};
  } catch {
    return {};
  }
  return { otlpEndpoint: endpoint.replace(/\/+$/, '') };
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    return response.ok ? parseRuntimeConfig(await response.json()) : {};
  } catch {
    // Not served (vite dev server) or not JSON: run without telemetry.
    return {};
  }
}
