import {
  checkSurveyAnswers,
  type SurveyDefinition,
} from '@internal/plugin-dx-common';
import type { SurveyResponseToInsert } from '../surveys/SurveyStore';
import { hash, random } from './demoHistory';

/**
 * Demo survey answers for the demo catalog (`dx.demo.enabled`, written
 * once with the demo history), so the Surveys tab is not empty on
 * `./portal start`. Deterministic given its inputs.
 *
 * - `developer-experience` (questions `ease`, `tooling`, `slowed-down`):
 *   for each team and each of the 12 complete ISO weeks before `now`,
 *   `minGroupSize` to `minGroupSize + 3` answers (so every team's week is
 *   shown), given Tuesday to Friday. Scores rise gently over the weeks
 *   (about 3.0 to 3.8 for `ease`); about one answer in 14 has a comment.
 * - `golden-path` (`satisfaction`, `comment`): six answers a week, each
 *   about a made-up run (`taskId` `demo-run-<n>`) with its provisioning
 *   time; the longer the run, the lower the satisfaction. In a month of
 *   four weeks the shorter three buckets get at least 5 answers each.
 *
 * Every id starts with `demo-` (`DEMO_SURVEY_ID_PREFIX`), which tells
 * whether the answers were written already. With `surveys` (the configured
 * ones), only answers valid for them are kept: none for a survey that is
 * not configured or whose questions differ.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Every demo answer's id starts with this. */
export const DEMO_SURVEY_ID_PREFIX = 'demo-';
export const DEMO_DX_SURVEY = 'developer-experience';
export const DEMO_GOLDEN_PATH_SURVEY = 'golden-path';

/** What slowed people down: the first ones early on, the last ones later. */
const SLOWED_DOWN = [
  'Waiting for CI: the pipeline often takes more than 30 minutes.',
  'Flaky end-to-end tests blocked merges twice this week.',
  'Getting a database for a new service still needs a ticket.',
  'Finding out who owns the shared auth library.',
  'The deployment docs are out of date.',
  'Code reviews across teams take a few days.',
  'Rotating secrets by hand before a release.',
  'Staging was unavailable for most of a day.',
  'Not much: deployments are quick now.',
  'The new service template saved me a day of setup.',
];

const GOLDEN_PATH_COMMENTS = [
  'Had a running service in a few minutes.',
  'The policy check caught a missing owner before anything was created.',
  'Waiting for the database to be provisioned took a while.',
  'Would like a template for a Go service.',
  'Took long: I was not sure whether it was stuck.',
];

/**
 * Provisioning-time buckets of the golden-path answers, one per answer
 * in turn: < 1 min, 1–5 min, 5–15 min and > 15 min in 3 : 4 : 3 : 2.
 */
/** Golden-path survey answers per demo week. */
const GOLDEN_PATH_ANSWERS_A_WEEK = 6;
const BUCKET_CYCLE = [0, 1, 0, 1, 2, 1, 0, 1, 2, 3, 2, 3];
/** Per bucket: shortest and longest made-up run, and mean satisfaction. */
const BUCKETS = [
  { minMs: 20_000, maxMs: 55_000, mean: 4.4 },
  { minMs: 1.2 * MINUTE, maxMs: 4.5 * MINUTE, mean: 3.9 },
  { minMs: 6 * MINUTE, maxMs: 14 * MINUTE, mean: 3.1 },
  { minMs: 16 * MINUTE, maxMs: 40 * MINUTE, mean: 2.3 },
];

/** A score from 1 to 5 around `mean` (spread about 0.7). */
function score(rnd: () => number, mean: number): number {
  const noise = (rnd() + rnd() + rnd() - 1.5) * 1.4;
  return Math.min(5, Math.max(1, Math.round(mean + noise)));
}

const hex = (s: string) => hash(s).toString(16).padStart(8, '0');

/**
 * Demo answers to the `developer-experience` and `golden-path` surveys for
 * `teams` (group refs), in the `weeks` complete ISO weeks before the week
 * of `now`.
 */
export function demoSurveyResponses(
  teams: string[],
  now: Date,
  options: {
    minGroupSize?: number;
    weeks?: number;
    surveys?: SurveyDefinition[];
  } = {},
): SurveyResponseToInsert[] {
  const minGroupSize = options.minGroupSize ?? 5;
  const weeks = options.weeks ?? 12;
  const sorted = [...new Set(teams)].sort();
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY;
  const weekStart = (w: number) => monday - (weeks - w) * 7 * DAY;
  // 0 in the first week, 1 in the last.
  const progress = (w: number) => (weeks > 1 ? w / (weeks - 1) : 1);
  // A working day of week w, Tuesday to Friday.
  const dayOf = (rnd: () => number, w: number) =>
    new Date(weekStart(w) + (1 + Math.floor(rnd() * 4)) * DAY);

  const rows: SurveyResponseToInsert[] = [];
  for (const team of sorted) {
    const rnd = random(hash(`${DEMO_DX_SURVEY} ${team}`));
    // Some teams are a little happier than others: -0.2 to +0.2.
    const offset = ((hash(team) % 5) - 2) / 10;
    for (let w = 0; w < weeks; w++) {
      const t = progress(w);
      const respondents = minGroupSize + Math.floor(rnd() * 4);
      for (let i = 0; i < respondents; i++) {
        const answers: SurveyResponseToInsert['answers'] = {
          ease: score(rnd, 3.0 + 0.8 * t + offset),
        };
        if (rnd() < 0.85) answers.tooling = score(rnd, 2.8 + 0.7 * t + offset);
        if (rnd() < 1 / 14) {
          const pick = Math.min(0.999, 0.6 * t + 0.4 * rnd());
          answers['slowed-down'] =
            SLOWED_DOWN[Math.floor(pick * SLOWED_DOWN.length)];
        }
        rows.push({
          id: `${DEMO_SURVEY_ID_PREFIX}dx-${hex(team)}-${w}-${i}`,
          surveyId: DEMO_DX_SURVEY,
          answers,
          teams: [team],
          at: dayOf(rnd, w),
        });
      }
    }
  }

  const rnd = random(hash(DEMO_GOLDEN_PATH_SURVEY));
  for (let w = 0; w < weeks; w++) {
    for (let k = 0; k < GOLDEN_PATH_ANSWERS_A_WEEK; k++) {
      const n = w * GOLDEN_PATH_ANSWERS_A_WEEK + k;
      const bucket = BUCKETS[BUCKET_CYCLE[n % BUCKET_CYCLE.length]];
      const provisioningMs = Math.round(
        bucket.minMs + rnd() * (bucket.maxMs - bucket.minMs),
      );
      const satisfaction = score(rnd, bucket.mean + 0.3 * progress(w));
      const answers: SurveyResponseToInsert['answers'] = { satisfaction };
      if (rnd() < 0.2) {
        // Happy runs comment on the good, unhappy ones on the slow.
        const good = satisfaction >= 4;
        const pick = good ? Math.floor(rnd() * 2) : 2 + Math.floor(rnd() * 3);
        answers.comment = GOLDEN_PATH_COMMENTS[pick];
      }
      rows.push({
        id: `${DEMO_SURVEY_ID_PREFIX}gp-${w}-${k}`,
        surveyId: DEMO_GOLDEN_PATH_SURVEY,
        answers,
        teams: sorted.length > 0 ? [sorted[n % sorted.length]] : [],
        taskId: `demo-run-${n}`,
        provisioningMs,
        at: dayOf(rnd, w),
      });
    }
  }
  const { surveys } = options;
  if (!surveys) return rows;
  return rows.filter(r => {
    const survey = surveys.find(d => d.id === r.surveyId);
    return (
      survey !== undefined && 'answers' in checkSurveyAnswers(survey, r.answers)
    );
  });
}
