import { percentile } from '@internal/portal-common';
import { catalogReadScope } from '@internal/portal-node';
import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  PlatformHealth,
  SloState,
  SloSummary,
} from '@internal/plugin-slo-common';
import { minuteOf } from '../evaluation/bucketize';
import type {
  SloDefinitionRow,
  SloStatusRow,
  SloStore,
} from '../store/SloStore';

/** What the SLO reads need: the store, and the catalog as the caller sees it. */
export interface SloReadServices {
  permissions: PermissionsService;
  catalog: CatalogService;
  store: SloStore;
}

function errorOf(
  def: SloDefinitionRow,
  status: SloStatusRow | undefined,
): { error?: string } {
  if (!def.spec) {
    const first = def.problems.find(p => p.severity === 'error');
    return { error: first ? `${first.path}: ${first.message}` : 'invalid' };
  }
  return status?.error ? { error: status.error } : {};
}

export function summarize(
  def: SloDefinitionRow,
  status: SloStatusRow | undefined,
): SloSummary {
  const spec = def.spec;
  return {
    id: def.id,
    name: def.name,
    ...(spec?.displayName ? { displayName: spec.displayName } : {}),
    ...(spec?.description ? { description: spec.description } : {}),
    entityRef: def.entityRef,
    ...(def.ownerRef ? { ownerRef: def.ownerRef } : {}),
    ...(def.systemRef ? { systemRef: def.systemRef } : {}),
    origin: def.origin,
    ...(def.file ? { file: def.file } : {}),
    sourceType: def.sourceType,
    target: spec?.objective.target ?? 0,
    window: spec?.timeWindow ?? { duration: '', rolling: true },
    budgetingMethod: spec?.budgetingMethod ?? 'Occurrences',
    state: spec ? status?.state ?? 'no-data' : 'error',
    ...(status ? { evaluatedAt: status.evaluatedAt } : {}),
    ...(status?.budget ? { budget: status.budget } : {}),
    ...errorOf(def, status),
    problems: def.problems,
    firingAlerts: status?.alerts.filter(a => a.firing).length ?? 0,
    burnRates: status?.burnRates ?? [],
  };
}

/**
 * The SLOs of the entities the caller may read, filtered by entity, owner
 * or system (lower-case refs) and by state, with their latest status.
 */
export async function listSloSummaries(
  services: SloReadServices,
  credentials: BackstageCredentials,
  filter: { entityRef?: string; ownerRef?: string; systemRef?: string },
  state?: SloState,
): Promise<SloSummary[]> {
  const { store } = services;
  const listed = await store.listDefinitions(filter);
  // The SLOs of entities the caller may read.
  const scope = await catalogReadScope(services, credentials, {
    refs: listed.map(d => d.entityRef),
  });
  const defs = scope.filter(listed, d => d.entityRef);
  // Filtered: only those statuses; otherwise all of them in one read.
  const filtered =
    !scope.all || Object.values(filter).some(v => v !== undefined);
  const statuses = await store.getStatuses(
    filtered ? defs.map(d => d.id) : undefined,
  );
  return defs
    .map(d => summarize(d, statuses.get(d.id)))
    .filter(s => !state || s.state === state);
}

/**
 * The platform's own health over the last `days`: its SLOs (those of
 * entities the caller may read), the latest evaluation cycle, golden-path
 * provisioning and the probes of its endpoints (the last day).
 */
export async function platformHealth(
  services: SloReadServices,
  credentials: BackstageCredentials,
  days: number,
  now = new Date(),
): Promise<PlatformHealth> {
  const { store } = services;
  const to = minuteOf(now) + 1;
  const from = to - days * 1440;
  const platform = await store.listDefinitions({ origin: 'platform' });
  const defs = (
    await catalogReadScope(services, credentials, {
      refs: platform.map(d => d.entityRef),
    })
  ).filter(platform, d => d.entityRef);
  const statuses = await store.getStatuses(defs.map(d => d.id));
  const runs = await store.provisioningRuns(from, to);
  const completed = runs.filter(r => r.status === 'completed');
  const durations = completed.map(r => r.durationSeconds);
  const probes = await store.probeSummary(to - 1440, to);
  const [evaluation] = await store.listEvaluations(1);
  return {
    slos: defs.map(d => summarize(d, statuses.get(d.id))),
    ...(evaluation ? { evaluation } : {}),
    provisioning: {
      from: new Date(from * 60_000).toISOString(),
      to: new Date(to * 60_000).toISOString(),
      completed: completed.length,
      failed: runs.length - completed.length,
      successRate: runs.length ? completed.length / runs.length : null,
      p50Seconds: percentile(durations, 50) ?? null,
      p95Seconds: percentile(durations, 95) ?? null,
    },
    probes: [...probes.entries()].map(([target, p]) => ({
      target,
      ok: p.ok,
      total: p.total,
      ...(p.last
        ? {
            lastOk: p.last.ok,
            lastAt: p.last.at,
            ...(p.last.error ? { lastError: p.last.error } : {}),
          }
        : {}),
      p95LatencyMs: percentile(p.latencies, 95) ?? null,
    })),
  };
}
