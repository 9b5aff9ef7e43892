import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_DORA_OPTIONS,
  diagnosticsFromCounts,
  unmappedDiagnostic,
  type DoraOptions,
  type DoraPeriod,
  type DoraResponse,
  type GoldenPathComparison,
} from '@internal/plugin-dx-common';
import { catalogReadScope } from '@internal/portal-node';
import type { Knex } from 'knex';
import type { DoraRollups } from '../rollups/DoraRollups';
import { doraMetrics, unmappedEvents } from './doraMetrics';

/*
 * The numbers of GET /metrics/dora and GET /metrics/golden-paths for a
 * scope and a range, as functions of the caller's credentials: the routes
 * and the DX actions both answer with these.
 */

/**
 * Up to this many deployments, deployed changes and resolved incidents, DORA
 * numbers are computed exactly from the events.
 */
export const EXACT_SAMPLE = 500;

export interface DoraScopeServices {
  knex: Knex;
  rollups: DoraRollups;
  /** `dx.dora`: production environments, failure window, rework rules. */
  dora?: DoraOptions;
  catalog: CatalogService;
  permissions: PermissionsService;
}

export interface DoraScopeQuery {
  /** One entity (lower-case ref)... */
  entityRef?: string;
  /** ...or the entities an owner owns (lower-case ref); neither: the organisation. */
  owner?: string;
  from: Date;
  to: Date;
  settings: { timeZone: string; rows: boolean };
  /** `events` or `rollup` to force one; the route's `source`. */
  source?: 'events' | 'rollup';
}

/**
 * The five keys of an entity, an owner's entities or the organisation over
 * [from, to), beside the period of equal length before it: of the entities
 * the caller may read (unmapped events only in the organisation's numbers
 * of a caller who reads every entity). Large samples over whole UTC days
 * are added up from the daily roll-ups, small ones computed exactly.
 */
export async function doraForScope(
  services: DoraScopeServices,
  credentials: BackstageCredentials,
  query: DoraScopeQuery,
): Promise<DoraResponse> {
  const { knex, rollups, catalog, permissions } = services;
  const dora = services.dora ?? DEFAULT_DORA_OPTIONS;
  const { entityRef, owner, from, to, settings, source } = query;
  const readable = await catalogReadScope(
    { permissions, catalog },
    credentials,
    entityRef ? { refs: [entityRef] } : undefined,
  );
  let entityRefs: string[] | undefined;
  if (entityRef) entityRefs = readable.restrict([entityRef]);
  else if (owner) {
    const { items } = await catalog.getEntities(
      {
        filter: { 'relations.ownedBy': owner },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    entityRefs = items.map(e =>
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
    );
  } else entityRefs = readable.restrict(undefined);
  const span = to.getTime() - from.getTime();
  const previousFrom = new Date(from.getTime() - span);
  const rollupsPossible =
    !settings.rows &&
    settings.timeZone === 'UTC' &&
    rollups.covers(previousFrom, to);
  if (source === 'rollup' && !rollupsPossible)
    throw new InputError(
      'roll-ups hold whole UTC days of the last 400 days, without rows, in UTC',
    );
  // Events that map to no entity belong to the organisation's numbers.
  const unmapped = !entityRef && !owner && entityRefs === undefined;
  const period = async (
    range: { from: Date; to: Date },
    rows: boolean,
  ): Promise<DoraPeriod> => {
    const r = { from: range.from.toISOString(), to: range.to.toISOString() };
    const exact = () =>
      doraMetrics(knex, { entityRefs }, r, {
        ...settings,
        rows,
        dora,
        unmapped,
      }).then(m => ({ ...m, source: 'events' as const }));
    if (source === 'events' || !rollupsPossible) return exact();
    const rolled = await rollups.metrics({ entityRefs }, r);
    const sample =
      rolled.deploymentFrequency.deployments +
      rolled.leadTime.changes +
      rolled.recoveryTime.incidents;
    if (source !== 'rollup' && sample <= EXACT_SAMPLE) return exact();
    // Roll-ups hold counts only: the five keys without rows, and the
    // diagnostics the counts give, without examples.
    const { rollupCounts: _counts, ...answer } = rolled as DoraPeriod & {
      rollupCounts?: unknown;
    };
    const diagnostics = diagnosticsFromCounts(rolled, dora);
    if (unmapped) {
      const u = unmappedDiagnostic(await unmappedEvents(knex, r));
      if (u) diagnostics.push(u);
    }
    return { ...answer, diagnostics };
  };
  const [current, previous] = await Promise.all([
    period({ from, to }, settings.rows),
    period({ from: previousFrom, to: from }, false),
  ]);
  let scope: DoraResponse['scope'] = { organisation: true };
  if (entityRef) scope = { entityRef };
  else if (owner) scope = { owner, entities: entityRefs?.length ?? 0 };
  const { perDay: _perDay, ...before } = previous;
  return { scope, ...current, previous: before };
}

/**
 * Golden paths versus the rest over [from, to): the five keys of the
 * components made from a golden-path template (annotation
 * portal.dev/template) the caller may read, beside those of every other
 * entity with events they may read.
 */
export async function goldenPathsVersusOthers(
  services: DoraScopeServices,
  credentials: BackstageCredentials,
  query: Pick<DoraScopeQuery, 'from' | 'to' | 'settings'>,
): Promise<GoldenPathComparison> {
  const { knex, catalog, permissions } = services;
  const dora = services.dora ?? DEFAULT_DORA_OPTIONS;
  const { from, to, settings } = query;
  const scope = await catalogReadScope({ permissions, catalog }, credentials);
  const { items } = await catalog.getEntities(
    {
      filter: {
        kind: 'component',
        'metadata.annotations.portal.dev/template': CATALOG_FILTER_EXISTS,
      },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  const golden = items.map(e =>
    stringifyEntityRef(e).toLocaleLowerCase('en-US'),
  );
  const range = { from: from.toISOString(), to: to.toISOString() };
  const [goldenPath, others] = await Promise.all([
    doraMetrics(knex, { entityRefs: golden }, range, { ...settings, dora }),
    doraMetrics(
      knex,
      scope.all
        ? { excludeEntityRefs: golden }
        : {
            entityRefs: scope
              .restrict(undefined)!
              .filter(ref => !golden.includes(ref)),
          },
      range,
      { ...settings, dora },
    ),
  ]);
  return {
    from: range.from,
    to: range.to,
    goldenPath: { entities: golden.length, ...goldenPath },
    others,
  };
}
