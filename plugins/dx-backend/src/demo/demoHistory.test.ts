import {
  DEFAULT_DORA_OPTIONS,
  deploymentFrequency,
  normalizeEvent,
} from '@internal/plugin-dx-common';
import { demoHistory } from './demoHistory';

const NOW = new Date('2026-12-01T12:00:00Z');
const entities = [
  { entityRef: 'component:default/made', goldenPath: true },
  { entityRef: 'component:default/legacy', goldenPath: false },
];

describe('demoHistory', () => {
  const events = demoHistory(entities, NOW);

  it('is the same every time and every event is valid, in the past 90 days', () => {
    expect(demoHistory(entities, NOW)).toEqual(events);
    expect(events.length).toBeGreaterThan(300);
    for (const payload of events) {
      const result = normalizeEvent({ format: 'generic', payload });
      expect(result).toMatchObject({ ok: true });
      const at = Date.parse((payload as { timestamp: string }).timestamp);
      expect(at).toBeLessThanOrEqual(NOW.getTime());
      expect(at).toBeGreaterThan(NOW.getTime() - 91 * 86_400_000);
    }
    expect(new Set(events.map(e => e.id)).size).toBe(events.length);
  });

  it('golden-path components deploy more often than the others', () => {
    const range = {
      from: new Date(NOW.getTime() - 90 * 86_400_000).toISOString(),
      to: NOW.toISOString(),
    };
    const deploys = (ref: string) =>
      deploymentFrequency(
        events
          .filter(e => e.entityRef === ref && e.action === 'deployed')
          .map(e => ({
            id: String(e.id),
            entityRef: ref,
            at: String(e.timestamp),
            environment: 'production',
            outcome: 'success' as const,
          })),
        range,
        DEFAULT_DORA_OPTIONS,
      ).deployments;
    expect(deploys('component:default/made')).toBeGreaterThan(
      deploys('component:default/legacy'),
    );
  });
});
