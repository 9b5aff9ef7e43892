/*
 * DX delivery events for the benchmarks: the i-th of N generic events about
 * `components` components, and the batch API call that sends them.
 */
import { BASE, TOKEN } from './lib.mjs';

/**
 * The i-th of `total` events, 7 s apart (or `spacingMs`), the last one
 * before today (UTC): 1,000,000 span 81 days. Components are named
 * `${name}-${c}`, event ids `${name}-${i}`.
 */
export function benchEvents(
  total,
  components,
  { spacingMs = 7_000, name = 'bench' } = {},
) {
  const start =
    Math.floor(Date.now() / 86_400_000) * 86_400_000 - total * spacingMs;
  return i => eventAt(i, start, components, spacingMs, name);
}

/** The i-th event: 60 % changes, 30 % deployments, 10 % incidents. */
function eventAt(i, start, components, spacingMs, name) {
  const c = i % components;
  const at = new Date(start + i * spacingMs).toISOString();
  const base = {
    id: `${name}-${i}`,
    timestamp: at,
    entityRef: `component:default/${name}-${c}`,
  };
  const kind = i % 10;
  if (kind < 6)
    return {
      ...base,
      type: 'change',
      action: 'merged',
      commitSha: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'),
      commits: [
        { sha: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'), at },
      ],
    };
  if (kind < 9)
    return {
      ...base,
      type: 'deployment',
      action: 'deployed',
      environment: 'production',
      outcome: i % 17 === 0 ? 'failure' : 'success',
    };
  return {
    ...base,
    type: 'incident',
    action: 'reported',
    environment: 'production',
    incidentId: `INC-${i}`,
  };
}

export async function postEvents(events) {
  const send = () =>
    fetch(`${BASE}/api/dx/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ format: 'generic', events }),
    });
  // A kept-alive connection the backend closed meanwhile: sent again once
  // (events are stored once per id, so a repeat is harmless).
  const res = await send().catch(error => {
    if (error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
    return send();
  });
  const body = await res.json();
  if (!res.ok || body.rejected.length)
    throw new Error(
      `batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  return body;
}
