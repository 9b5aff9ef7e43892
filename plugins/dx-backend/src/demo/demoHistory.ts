/**
 * Demo history for the demo catalog (`dx.demo.enabled`, on in the local
 * app-config only): 90 days of changes, production deployments, rollbacks
 * and incidents per component, in the generic event format, so the DX
 * dashboards are not empty on `./portal start`. Deterministic per entity.
 *
 * Per component and working day: 1 to 4 changes, each with 1 to 5 commits
 * started 2 to 72 hours before it lands; a production deployment on most
 * days (components made from a golden path deploy a little more often);
 * one deployment in 12 followed by an incident resolved within 1 to 20
 * hours, one in 40 rolled back.
 */

const DAY = 86_400_000;
const H = 3_600_000;

/** A small seeded random generator (mulberry32). */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash of `s`, to seed `random`. */
export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++)
    h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const sha = (rnd: () => number) =>
  Array.from({ length: 10 }, () => Math.floor(rnd() * 16).toString(16)).join(
    '',
  );

export function demoHistory(
  entities: Array<{ entityRef: string; goldenPath: boolean }>,
  now: Date,
  days = 90,
): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  const start = Math.floor(now.getTime() / DAY) * DAY - days * DAY;
  for (const { entityRef, goldenPath } of entities) {
    const rnd = random(hash(entityRef));
    const name = entityRef.split('/').pop()!;
    let pending: Array<{ id: string; at: number }> = [];
    for (let d = 0; d < days; d++) {
      const day = start + d * DAY;
      if (new Date(day).getUTCDay() % 6 === 0) continue; // weekends
      const changes = 1 + Math.floor(rnd() * 4);
      for (let c = 0; c < changes; c++) {
        const at = day + (8 + rnd() * 9) * H;
        const commits = Array.from(
          { length: 1 + Math.floor(rnd() * 5) },
          () => ({
            sha: sha(rnd),
            at: new Date(at - (2 + rnd() * 70) * H).toISOString(),
          }),
        );
        const id = `demo-${name}-c${d}-${c}`;
        events.push({
          id,
          type: 'change',
          action: 'merged',
          timestamp: new Date(at).toISOString(),
          entityRef,
          commitSha: commits[commits.length - 1].sha,
          commits,
        });
        pending.push({ id, at });
      }
      const deployToday = rnd() < (goldenPath ? 0.9 : 0.6);
      if (!deployToday) continue;
      const at = day + (17 + rnd() * 2) * H;
      if (at > now.getTime()) continue;
      const deployment = `demo-${name}-d${d}`;
      events.push({
        id: deployment,
        type: 'deployment',
        action: 'deployed',
        timestamp: new Date(at).toISOString(),
        entityRef,
        environment: 'production',
        outcome: 'success',
      });
      pending = pending.filter(p => p.at > at);
      const roll = rnd();
      if (roll < 1 / 12) {
        const opened = at + (0.5 + rnd() * 6) * H;
        const resolved = opened + (1 + rnd() * 19) * H;
        for (const [action, t] of [
          ['reported', opened],
          ['resolved', resolved],
        ] as const)
          if (t < now.getTime())
            events.push({
              id: `demo-${name}-i${d}-${action}`,
              type: 'incident',
              action,
              timestamp: new Date(t).toISOString(),
              entityRef,
              environment: 'production',
              incidentId: `${name.toUpperCase()}-${d}`,
            });
      } else if (roll < 1 / 12 + 1 / 40) {
        events.push({
          id: `demo-${name}-r${d}`,
          type: 'deployment',
          action: 'rolledback',
          timestamp: new Date(at + H).toISOString(),
          entityRef,
          environment: 'production',
        });
      }
    }
  }
  return events;
}
