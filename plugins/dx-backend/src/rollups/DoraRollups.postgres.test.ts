import { TestDatabases } from '@backstage/backend-test-utils';
import { normalizeGenericEvent } from '@internal/plugin-dx-common';
import knexFactory, { type Knex } from 'knex';
import { doraMetrics } from '../metrics/doraMetrics';
import { DxStore, type EventToStore } from '../store/DxStore';
import { DoraRollups } from './DoraRollups';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

/** Two services over the last three weeks, as stored events. */
function events(): EventToStore[] {
  const raw: unknown[] = [];
  for (let d = 1; d <= 21; d++) {
    for (const name of ['a', 'b']) {
      const at = today - d * DAY + 10 * 3_600_000;
      const sha = `${name}${d}`.padEnd(7, '0');
      raw.push(
        {
          id: `${name}-change-${d}`,
          type: 'change',
          action: 'merged',
          timestamp: new Date(at - (d % 5) * 3_600_000).toISOString(),
          entityRef: `component:default/${name}`,
          commitSha: sha,
        },
        {
          id: `${name}-deploy-${d}`,
          type: 'deployment',
          action: 'deployed',
          timestamp: new Date(at).toISOString(),
          entityRef: `component:default/${name}`,
          environment: 'production',
          outcome: d % 6 === 0 ? 'failure' : 'success',
        },
      );
      if (d % 4 === 0)
        raw.push(
          {
            id: `${name}-inc-${d}`,
            type: 'incident',
            action: 'reported',
            timestamp: new Date(at + 3_600_000).toISOString(),
            entityRef: `component:default/${name}`,
            incidentId: `INC-${name}-${d}`,
          },
          {
            id: `${name}-inc-${d}-done`,
            type: 'incident',
            action: 'resolved',
            timestamp: new Date(at + (2 + d) * 3_600_000).toISOString(),
            entityRef: `component:default/${name}`,
            incidentId: `INC-${name}-${d}`,
          },
        );
    }
  }
  return raw.map(payload => {
    const r = normalizeGenericEvent(payload);
    if (!r.ok) throw new Error(r.reason);
    return {
      event: r.event,
      entityRef: r.event.subject.entityRef,
      raw: payload,
    };
  });
}

async function checkRollups(knex: Knex) {
  const store = await DxStore.create({ knex });
  await store.insertEvents(events());
  // As if stored before roll-ups existed: nothing marked.
  await knex('dx_rollup_dirty').delete();
  const rollups = new DoraRollups(knex);
  expect(await rollups.rolledUpAt()).toBeUndefined();

  // The first run rolls up every entity with events.
  expect(await rollups.rollUp()).toMatchObject({ entities: 2 });
  expect(await rollups.pending()).toBe(0);
  const range = {
    from: new Date(today - 28 * DAY).toISOString(),
    to: new Date(today + DAY).toISOString(),
  };
  const exact = await doraMetrics(knex, {}, range, {
    timeZone: 'UTC',
    rows: false,
  });
  const rolled = await rollups.metrics({}, range);
  expect(rolled.deploymentFrequency).toEqual(exact.deploymentFrequency);
  expect(rolled.changeFailureRate.failed).toBe(exact.changeFailureRate.failed);
  expect(rolled.leadTime.changes).toBe(exact.leadTime.changes);
  expect(rolled.recoveryTime.incidents).toBe(exact.recoveryTime.incidents);
  expect(exact.deploymentFrequency.deployments).toBe(36); // 42 minus 6 failed
  expect(
    Math.abs(rolled.recoveryTime.medianMs! - exact.recoveryTime.medianMs!) /
      exact.recoveryTime.medianMs!,
  ).toBeLessThan(0.01);
  // One entity alone: its own rows.
  const a = await rollups.metrics(
    { entityRefs: ['component:default/a'] },
    range,
  );
  expect(a.deploymentFrequency.deployments).toBe(18);

  // A new deployment marks its entity; the next run takes only that one.
  await store.insertEvents(
    [
      {
        id: 'a-new',
        type: 'deployment',
        action: 'deployed',
        timestamp: new Date(today + 60_000).toISOString(),
        entityRef: 'component:default/a',
        environment: 'production',
      },
    ].map(payload => {
      const r = normalizeGenericEvent(payload);
      if (!r.ok) throw new Error(r.reason);
      return { event: r.event, entityRef: 'component:default/a', raw: payload };
    }),
  );
  expect(await rollups.pending()).toBe(1);
  expect(await rollups.rollUp()).toMatchObject({ entities: 1 });
  expect(
    (await rollups.metrics({}, range)).deploymentFrequency.deployments,
  ).toBe(37);
}

describe('DoraRollups', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('rolls up events stored before roll-ups existed, then only what changed (PostgreSQL)', async () => {
    const knex = await databases.init('POSTGRES_15');
    await expect(checkRollups(knex)).resolves.toBeUndefined();
  });

  it('does the same on SQLite (the dev server)', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    try {
      await expect(checkRollups(knex)).resolves.toBeUndefined();
    } finally {
      await knex.destroy();
    }
  });
});
