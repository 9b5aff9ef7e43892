import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { OnboardingMetrics } from '@internal/plugin-dx-common';
import { median } from '@internal/portal-common';
import type { Knex } from 'knex';

/**
 * An annotation with the day a person joined (from an HR export), used as
 * their first appearance instead of the day the portal first saw them.
 */
export const ANNOTATION_JOINED_AT = 'portal.dev/joined-at';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** The logins and e-mails events may name a user by. */
export function identitiesOf(user: Entity): string[] {
  const ids = new Set<string>([lower(user.metadata.name)]);
  const profile = (user.spec as { profile?: { email?: unknown } } | undefined)
    ?.profile;
  if (typeof profile?.email === 'string') ids.add(lower(profile.email));
  for (const key of ['github.com/user-login', 'gitlab.com/user-login']) {
    const login = user.metadata.annotations?.[key];
    if (login) ids.add(lower(login));
  }
  return [...ids].filter(Boolean).sort();
}

/**
 * Records when each catalog User was first seen. Users present at the very
 * first sync are a baseline (they joined before the portal knew) and are
 * left out of onboarding times, unless they carry `portal.dev/joined-at`.
 */
export async function syncUsersSeen(
  knex: Knex,
  users: Entity[],
  now: Date,
): Promise<{ added: number }> {
  return knex.transaction(async tx => {
    const known = new Map<string, string>(
      (await tx('dx_users_seen').select('user_ref', 'identities')).map(r => [
        r.user_ref,
        typeof r.identities === 'string'
          ? r.identities
          : JSON.stringify(r.identities),
      ]),
    );
    const first = known.size === 0;
    let added = 0;
    for (const user of users) {
      const ref = lower(stringifyEntityRef(user));
      const identities = JSON.stringify(identitiesOf(user));
      const before = known.get(ref);
      if (before === undefined) {
        const joined = Date.parse(
          user.metadata.annotations?.[ANNOTATION_JOINED_AT] ?? '',
        );
        await tx('dx_users_seen').insert({
          user_ref: ref,
          first_seen_at: Number.isNaN(joined) ? now : new Date(joined),
          baseline: first && Number.isNaN(joined),
          identities,
        });
        added += 1;
      } else if (before !== identities) {
        await tx('dx_users_seen').where('user_ref', ref).update({ identities });
      }
    }
    return { added };
  });
}

/**
 * Onboarding: for the users who first appeared in [from, to) (optionally
 * only these refs), the time to their first merged change and their first
 * successful deployment at or after that day, matched by login or e-mail.
 */
export async function onboardingMetrics(
  knex: Knex,
  options: { from: Date; to: Date; userRefs?: string[] },
): Promise<OnboardingMetrics> {
  const q = knex('dx_users_seen')
    .where('baseline', false)
    .where('first_seen_at', '>=', options.from)
    .where('first_seen_at', '<', options.to)
    .orderBy('first_seen_at')
    .select();
  if (options.userRefs) q.whereIn('user_ref', options.userRefs.map(lower));
  const users = (await q).map(r => ({
    userRef: r.user_ref as string,
    firstSeenAt: new Date(r.first_seen_at).toISOString(),
    identities: (typeof r.identities === 'string'
      ? JSON.parse(r.identities)
      : r.identities) as string[],
  }));
  const firsts = new Map<string, { change?: string; deployment?: string }>();
  // One query per batch of users: the first change and deployment of each
  // identity after that user's first day.
  for (let i = 0; i < users.length; i += 100) {
    const batch = users.slice(i, i + 100);
    const rows: Array<{ actor: string; kind: string; first: unknown }> =
      (await knex('dx_events')
        .where(q2 =>
          q2
            .where(c => c.where('kind', 'change').where('action', 'merged'))
            .orWhere(d =>
              d
                .where('kind', 'deployment')
                .whereIn('action', ['deployed', 'upgraded'])
                .where(o =>
                  o.whereNull('outcome').orWhere('outcome', 'success'),
                ),
            ),
        )
        .where(q2 => {
          for (const u of batch)
            q2.orWhere(w =>
              w
                .whereRaw(
                  `lower(actor) in (${u.identities.map(() => '?').join(', ')})`,
                  u.identities,
                )
                .where('occurred_at', '>=', new Date(u.firstSeenAt)),
            );
        })
        .groupByRaw('lower(actor), kind')
        .select(knex.raw('lower(actor) as actor'), 'kind')
        .min({ first: 'occurred_at' })) as any;
    const byIdentity = new Map<
      string,
      { change?: string; deployment?: string }
    >();
    for (const r of rows) {
      const entry = byIdentity.get(r.actor) ?? {};
      entry[r.kind as 'change' | 'deployment'] = new Date(
        r.first as string,
      ).toISOString();
      byIdentity.set(r.actor, entry);
    }
    for (const u of batch) {
      const mine: { change?: string; deployment?: string } = {};
      for (const id of u.identities) {
        const f = byIdentity.get(id);
        if (!f) continue;
        // An identity shared with an earlier user: only times after this
        // user's first day count.
        for (const k of ['change', 'deployment'] as const) {
          const at = f[k];
          if (!at || Date.parse(at) < Date.parse(u.firstSeenAt)) continue;
          if (!mine[k] || Date.parse(at) < Date.parse(mine[k]!)) mine[k] = at;
        }
      }
      firsts.set(u.userRef, mine);
    }
  }
  const rows = users.map(u => ({
    userRef: u.userRef,
    firstSeenAt: u.firstSeenAt,
    ...(firsts.get(u.userRef)?.change
      ? { firstChangeAt: firsts.get(u.userRef)!.change }
      : {}),
    ...(firsts.get(u.userRef)?.deployment
      ? { firstDeploymentAt: firsts.get(u.userRef)!.deployment }
      : {}),
  }));
  const since = (a: string, b?: string) =>
    b === undefined ? undefined : Date.parse(b) - Date.parse(a);
  const toChange = rows
    .map(r => since(r.firstSeenAt, r.firstChangeAt))
    .filter((x): x is number => x !== undefined);
  const toDeploy = rows
    .map(r => since(r.firstSeenAt, r.firstDeploymentAt))
    .filter((x): x is number => x !== undefined);
  return {
    users: rows.length,
    firstChange: {
      reached: toChange.length,
      medianMs: median(toChange) ?? null,
    },
    firstDeployment: {
      reached: toDeploy.length,
      medianMs: median(toDeploy) ?? null,
    },
    rows,
  };
}
