import type {
  CheckResult,
  EntityScorecard,
  Scorecard,
  ScorecardRollup,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';

const json = <T>(v: unknown): T =>
  (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** How long daily results are kept for trends. */
export const KEEP_DAYS = 400;

/** The UTC day of a time, `YYYY-MM-DD`. */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

interface ResultRow {
  scorecard_id: string;
  day: string;
  entity_ref: string;
  owner: string | null;
  level: string | null;
  score: number;
  checks: unknown;
  evaluated_at: unknown;
}

/** Scorecard results per entity and day, in the DX database. */
export class ScorecardStore {
  constructor(private readonly knex: Knex) {}

  /** Replaces a scorecard's results of one day (a re-run the same day wins). */
  async replaceDay(
    scorecardId: string,
    day: string,
    results: EntityScorecard[],
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('dx_scorecard_results')
        .where({ scorecard_id: scorecardId, day })
        .delete();
      const rows = results.map(r => ({
        scorecard_id: scorecardId,
        day,
        entity_ref: r.entityRef,
        owner: r.owner ?? null,
        level: r.level,
        score: r.score,
        checks: JSON.stringify(r.checks),
        evaluated_at: new Date(r.evaluatedAt),
      }));
      for (let i = 0; i < rows.length; i += 500)
        await tx('dx_scorecard_results').insert(rows.slice(i, i + 500));
    });
  }

  async prune(before: string): Promise<number> {
    return this.knex('dx_scorecard_results').where('day', '<', before).delete();
  }

  /** The latest result of each scorecard for one entity. */
  async forEntity(
    entityRef: string,
    cards: Scorecard[],
  ): Promise<EntityScorecard[]> {
    const rows: ResultRow[] = await this.knex('dx_scorecard_results')
      .where('entity_ref', entityRef)
      .whereIn(
        'scorecard_id',
        cards.map(c => c.id),
      )
      .orderBy('day', 'desc')
      .limit(cards.length * 3)
      .select();
    const out: EntityScorecard[] = [];
    for (const card of cards) {
      const r = rows.find(x => x.scorecard_id === card.id);
      if (r) out.push(toResult(r, card));
    }
    return out;
  }

  /** The latest day a scorecard was evaluated. */
  private async latestDay(scorecardId: string): Promise<string | undefined> {
    const row = await this.knex('dx_scorecard_results')
      .where('scorecard_id', scorecardId)
      .max({ day: 'day' })
      .first();
    return row?.day ?? undefined;
  }

  /**
   * Every entity's result of the latest day (of an owner, or all; of the
   * listed entities only, when given).
   */
  async latest(
    card: Scorecard,
    owner?: string,
    entityRefs?: string[],
  ): Promise<EntityScorecard[]> {
    const day = await this.latestDay(card.id);
    if (!day) return [];
    const q = this.knex('dx_scorecard_results')
      .where({ scorecard_id: card.id, day })
      .orderBy('entity_ref')
      .select();
    if (owner) q.where('owner', owner);
    if (entityRefs) q.whereIn('entity_ref', entityRefs);
    return (await q).map((r: ResultRow) => toResult(r, card));
  }

  /**
   * Roll-up of a scorecard over the entities of an owner (or all): the
   * latest day's levels and failing checks, and one trend point per day of
   * [from, to]. With `entityRefs`, over those entities only.
   */
  async rollup(
    card: Scorecard,
    options: {
      owner?: string;
      entityRefs?: string[];
      from: string;
      to: string;
    },
  ): Promise<ScorecardRollup & { perOwner: Map<string, ScorecardRollup> }> {
    const latest = await this.latestDay(card.id);
    const scoped = (q: Knex.QueryBuilder) => {
      if (options.owner) q.where('owner', options.owner);
      if (options.entityRefs) q.whereIn('entity_ref', options.entityRefs);
      return q;
    };
    const rows: ResultRow[] = latest
      ? await scoped(
          this.knex('dx_scorecard_results').where({
            scorecard_id: card.id,
            day: latest,
          }),
        ).select('entity_ref', 'owner', 'level', 'score', 'checks')
      : [];
    const trendRows = await scoped(
      this.knex('dx_scorecard_results')
        .where('scorecard_id', card.id)
        .whereBetween('day', [options.from, options.to]),
    )
      .groupBy('day', 'level')
      .orderBy('day')
      .select('day', 'level')
      .count({ n: '*' })
      .sum({ total: 'score' });
    const trend = new Map<
      string,
      {
        day: string;
        entities: number;
        byLevel: Record<string, number>;
        sum: number;
      }
    >();
    for (const r of trendRows) {
      const point = trend.get(r.day) ?? {
        day: r.day,
        entities: 0,
        byLevel: emptyLevels(card),
        sum: 0,
      };
      const n = Number(r.n);
      point.entities += n;
      point.byLevel[r.level ?? 'none'] += n;
      point.sum += Number(r.total);
      trend.set(r.day, point);
    }
    const summary = summarize(card, rows);
    const perOwner = new Map<string, ScorecardRollup>();
    if (!options.owner) {
      const byOwner = new Map<string, ResultRow[]>();
      for (const r of rows) {
        const key = r.owner ?? '(no owner)';
        byOwner.set(key, [...(byOwner.get(key) ?? []), r]);
      }
      for (const [owner, list] of byOwner)
        perOwner.set(owner, { ...summarize(card, list), owner, trend: [] });
    }
    return {
      ...summary,
      ...(options.owner ? { owner: options.owner } : {}),
      trend: [...trend.values()].map(p => ({
        day: p.day,
        entities: p.entities,
        byLevel: p.byLevel,
        score: p.entities ? p.sum / p.entities : 0,
      })),
      perOwner,
    };
  }
}

function emptyLevels(card: Scorecard): Record<string, number> {
  return Object.fromEntries([...card.levels, 'none'].map(l => [l, 0]));
}

function summarize(
  card: Scorecard,
  rows: Array<Pick<ResultRow, 'level' | 'score' | 'checks'>>,
): ScorecardRollup {
  const byLevel = emptyLevels(card);
  const failing = new Map<string, number>();
  let sum = 0;
  for (const r of rows) {
    const level = r.level && card.levels.includes(r.level) ? r.level : 'none';
    byLevel[level] += 1;
    sum += Number(r.score);
    for (const c of json<CheckResult[]>(r.checks))
      if (c.status === 'fail') failing.set(c.id, (failing.get(c.id) ?? 0) + 1);
  }
  return {
    scorecardId: card.id,
    title: card.title,
    levels: card.levels,
    entities: rows.length,
    byLevel,
    score: rows.length ? sum / rows.length : 0,
    failing: card.checks
      .filter(c => failing.has(c.id))
      .map(c => ({
        id: c.id,
        title: c.title,
        level: c.level,
        entities: failing.get(c.id)!,
      }))
      .sort((a, b) => b.entities - a.entities),
    trend: [],
  };
}

function toResult(r: ResultRow, card: Scorecard): EntityScorecard {
  return {
    scorecardId: card.id,
    title: card.title,
    entityRef: r.entity_ref,
    ...(r.owner ? { owner: r.owner } : {}),
    level: r.level,
    levels: card.levels,
    score: Number(r.score),
    checks: json<CheckResult[]>(r.checks),
    evaluatedAt: new Date(r.evaluated_at as string).toISOString(),
  };
}
