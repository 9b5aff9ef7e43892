import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  evaluateScorecard,
  scorecardApplies,
  type Scorecard,
} from '@internal/plugin-dx-common';
import type { PortalFacts } from '../facts/PortalFacts';
import { dayOf, KEEP_DAYS, type ScorecardStore } from './ScorecardStore';

/**
 * One scorecard run: gather the facts, judge every entity each scorecard
 * applies to, store the day's results (a second run the same day replaces
 * them) and forget days no trend shows.
 */
export async function runScorecards(
  options: {
    cards: Scorecard[];
    facts: PortalFacts;
    store: ScorecardStore;
    logger: LoggerService;
  },
  now = new Date(),
): Promise<{ results: number; missing: string[] }> {
  const { cards, store } = options;
  if (cards.length === 0) return { results: 0, missing: [] };
  const { facts, missing } = await options.facts.forScorecards(cards, now);
  const day = dayOf(now);
  let results = 0;
  for (const card of cards) {
    const list = facts
      .filter(f => scorecardApplies(card, f.kind, f.type))
      .map(f => evaluateScorecard(card, f, missing, now.toISOString()));
    await store.replaceDay(card.id, day, list);
    results += list.length;
  }
  await store.prune(dayOf(new Date(now.getTime() - KEEP_DAYS * 86_400_000)));
  const reasons = Object.values(missing).filter((x): x is string => !!x);
  options.logger.info(
    `scorecards: ${results} results for ${cards.length} scorecards${
      reasons.length ? `; not checked: ${reasons.join('; ')}` : ''
    }`,
  );
  return { results, missing: reasons };
}
