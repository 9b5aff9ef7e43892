import {
  type AdoptionMetrics,
  type AdoptionShare,
} from '@internal/plugin-dx-common';
import { GoldenPathsClient } from '@internal/plugin-golden-paths-common';
import { asService, median, percentile } from '@internal/portal-common';
import type { PortalFacts } from '../facts/PortalFacts';

const share = (count: number, of: number): AdoptionShare => ({
  count,
  of,
  share: of > 0 ? count / of : null,
});

/**
 * Golden-path adoption over the components of an owner (or all):
 * - from a golden path: the component carries `portal.dev/template`;
 * - on the newest template version: of those, the ones whose
 *   `portal.dev/template-version` is the template's newest;
 * - with an SLO: at least one SLO is defined for it;
 * - with an owner: `spec.owner` is a Group or User of the catalog;
 * and, over [from, to), golden-gate requests with their waits and
 * golden-path runs with their provisioning time (organisation-wide).
 */
export async function adoptionMetrics(
  facts: PortalFacts,
  deps: {
    auth: Parameters<typeof asService>[0];
    discovery: { getBaseUrl(pluginId: string): Promise<string> };
  },
  options: {
    owner?: string;
    from: Date;
    to: Date;
    rows: boolean;
    /** The components the caller may read (default: all). */
    visible?: (entityRef: string) => boolean;
  },
): Promise<AdoptionMetrics & { unavailable: string[] }> {
  const unavailable: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (e) {
      unavailable.push(`${what}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const goldenPaths = new GoldenPathsClient({ discoveryApi: deps.discovery });
  // One token for both calls; a failure to get it is each call's failure.
  const asGoldenPaths = asService(deps.auth, 'golden-paths');
  const [catalog, slos, templates, gates, runs] = await Promise.all([
    facts.catalog(['component']),
    attempt('SLOs', () => facts.slos()),
    attempt('template versions', () => facts.newestTemplateVersions()),
    attempt('golden gates', async () =>
      goldenPaths.getGateMetrics(
        { from: options.from, to: options.to },
        await asGoldenPaths,
      ),
    ),
    attempt('golden-path runs', async () =>
      goldenPaths.listRuns({ limit: 1000 }, await asGoldenPaths),
    ),
  ]);
  const all = catalog.entities
    .map(e => facts.entityFacts(e, catalog.principals, { slos, templates }))
    .filter(f => options.visible?.(f.entityRef) ?? true);
  const mine = options.owner ? all.filter(f => f.owner === options.owner) : all;
  const golden = mine.filter(f => f.template);
  const withNewest = golden.filter(
    f =>
      f.template?.newestVersion &&
      f.template.version === f.template.newestVersion,
  );
  const inRange = (runs?.items ?? []).filter(r => {
    const t = Date.parse(r.createdAt);
    return t >= options.from.getTime() && t < options.to.getTime();
  });
  const durations = inRange
    .filter(r => r.status === 'completed' && typeof r.durationMs === 'number')
    .map(r => r.durationMs!);
  return {
    components: mine.length,
    fromGoldenPath: share(golden.length, mine.length),
    onNewestTemplateVersion: share(withNewest.length, golden.length),
    withSlo: share(mine.filter(f => (f.slos ?? 0) > 0).length, mine.length),
    withOwner: share(mine.filter(f => f.ownerExists).length, mine.length),
    gates: {
      requested: gates?.requested ?? 0,
      approved: gates?.approved ?? 0,
      rejected: gates?.rejected ?? 0,
      pending: gates?.pending ?? 0,
      ...(gates?.medianWaitMs !== undefined
        ? { medianWaitMs: gates.medianWaitMs }
        : {}),
      ...(gates?.p90WaitMs !== undefined ? { p90WaitMs: gates.p90WaitMs } : {}),
    },
    provisioning: {
      runs: inRange.length,
      completed: inRange.filter(r => r.status === 'completed').length,
      failed: inRange.filter(r => r.status === 'failed').length,
      ...(durations.length
        ? {
            medianMs: median(durations)!,
            p95Ms: percentile(durations, 95)!,
          }
        : {}),
    },
    ...(options.rows
      ? {
          rows: mine.map(f => ({
            entityRef: f.entityRef,
            ...(f.owner ? { owner: f.owner } : {}),
            goldenPath: Boolean(f.template),
            ...(f.template
              ? {
                  template: f.template.ref,
                  ...(f.template.version
                    ? { templateVersion: f.template.version }
                    : {}),
                  ...(f.template.newestVersion
                    ? { newestVersion: f.template.newestVersion }
                    : {}),
                }
              : {}),
            slo: (f.slos ?? 0) > 0,
            ownerExists: f.ownerExists,
          })),
        }
      : {}),
    unavailable,
  };
}
