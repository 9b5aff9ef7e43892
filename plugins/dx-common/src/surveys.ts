import { z } from 'zod';
import type {
  Survey,
  SurveyPeriod,
  SurveyQuestion,
  SurveyResults,
} from './api';

/**
 * Developer surveys written as data (app-config `dx.surveys`), the check of
 * an answer against its survey, and the arithmetic of the results: means,
 * score distributions, ISO weeks and provisioning-time buckets. Results of
 * fewer than `minGroupSize` respondents are hidden.
 */

/** Scale answers run from 1 (worst) to this (best). */
export const SURVEY_SCALE_MAX = 5;
/** Longest free-text answer, in characters. */
export const MAX_SURVEY_TEXT_ANSWER = 2000;
/** Most comments a result lists per question (the newest). */
export const MAX_SURVEY_COMMENTS = 100;
/** Most questions in one survey. */
export const MAX_SURVEY_QUESTIONS = 20;
/** Fewest respondents whose answers are shown, unless configured. */
export const DEFAULT_SURVEY_MIN_GROUP_SIZE = 5;

const slug = (what: string) =>
  z
    .string()
    .max(64, `${what} ids are at most 64 characters`)
    .regex(
      /^[a-z0-9][a-z0-9-]*$/,
      `${what} ids are lower-case letters and digits joined by -`,
    );

const questionSchema = z.strictObject({
  id: slug('question'),
  text: z.string().trim().min(1).max(500),
  type: z.enum(['scale', 'text']),
  required: z.boolean().optional(),
});

const definitionSchema = z
  .strictObject({
    id: slug('survey'),
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(2000).optional(),
    trigger: z.enum(['portal', 'golden-path']),
    period: z.enum(['week', 'month', 'quarter']).optional(),
    questions: z.array(questionSchema).min(1).max(MAX_SURVEY_QUESTIONS),
  })
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    definition.questions.forEach((q, i) => {
      if (seen.has(q.id))
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'id'],
          message: `duplicate question id "${q.id}"`,
        });
      seen.add(q.id);
    });
    if (definition.trigger !== 'golden-path') return;
    if (definition.period !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['period'],
        message: 'golden-path surveys are answered once per run; no period',
      });
    const scale = definition.questions.filter(q => q.type === 'scale');
    const text = definition.questions.filter(q => q.type === 'text');
    if (scale.length !== 1 || text.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['questions'],
        message:
          'a golden-path survey has exactly one scale question and at most one text question',
      });
  });

/** The zod schema of `dx.surveys` (before defaults are filled in). */
export const surveyConfigSchema = z
  .strictObject({
    minGroupSize: z
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(DEFAULT_SURVEY_MIN_GROUP_SIZE),
    definitions: z.array(definitionSchema).max(100).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.definitions.forEach((d, i) => {
      if (seen.has(d.id))
        ctx.addIssue({
          code: 'custom',
          path: ['definitions', i, 'id'],
          message: `duplicate survey id "${d.id}"`,
        });
      seen.add(d.id);
    });
  });

/** A survey as configured; portal surveys always have their period. */
export type SurveyDefinition = Survey;

/** `dx.surveys`, read. */
export interface SurveyConfig {
  minGroupSize: number;
  definitions: SurveyDefinition[];
}

function pathOf(where: string, path: ReadonlyArray<PropertyKey>): string {
  return (
    where +
    path.map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
  );
}

/**
 * Reads survey definitions (`value` is the data at `where`, e.g.
 * `dx.surveys`). A mistake is an error naming its path:
 * `dx.surveys.definitions[1].questions[0].type: ...`. Unknown keys are
 * refused, so `__proto__` and the like never reach an object.
 */
export function parseSurveyConfig(
  value: unknown,
  where = 'dx.surveys',
): SurveyConfig {
  const result = surveyConfigSchema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map(issue => `${pathOf(where, issue.path)}: ${issue.message}`);
    throw new Error(`invalid survey configuration: ${problems.join('; ')}`);
  }
  return {
    minGroupSize: result.data.minGroupSize,
    definitions: result.data.definitions.map(d => ({
      id: d.id,
      title: d.title,
      ...(d.description !== undefined && { description: d.description }),
      trigger: d.trigger,
      ...(d.trigger === 'portal' && { period: d.period ?? 'month' }),
      questions: d.questions.map(
        (q): SurveyQuestion => ({
          id: q.id,
          text: q.text,
          type: q.type,
          ...(q.required !== undefined && { required: q.required }),
        }),
      ),
    })),
  };
}

/** Answers checked against their survey, in the survey's question order. */
export type SurveyAnswers = Record<string, number | string>;

/**
 * Checks answers (a request body's `answers`) against `survey`: every key a
 * question of it, scale answers integers from 1 to 5, text answers at most
 * 2,000 characters, required questions answered. Empty text answers count
 * as unanswered. Returns the answers kept, or the problem naming its
 * question.
 */
export function checkSurveyAnswers(
  survey: Pick<Survey, 'questions'>,
  answers: unknown,
): { answers: SurveyAnswers } | { problem: string } {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    return { problem: 'answers must be an object of question id to answer' };
  const questions = new Map(survey.questions.map(q => [q.id, q]));
  const given = new Map<string, unknown>();
  for (const key of Object.keys(answers)) {
    if (!questions.has(key))
      return {
        problem: `question ${JSON.stringify(
          key.slice(0, 64),
        )}: no such question in this survey`,
      };
    given.set(key, (answers as Record<string, unknown>)[key]);
  }
  const kept: Array<[string, number | string]> = [];
  for (const q of survey.questions) {
    let answer = given.get(q.id);
    if (answer === null) answer = undefined;
    if (q.type === 'scale' && answer !== undefined) {
      if (
        typeof answer !== 'number' ||
        !Number.isInteger(answer) ||
        answer < 1 ||
        answer > SURVEY_SCALE_MAX
      )
        return {
          problem: `question "${q.id}": a scale answer is an integer from 1 to ${SURVEY_SCALE_MAX}`,
        };
    }
    if (q.type === 'text' && answer !== undefined) {
      if (typeof answer !== 'string')
        return { problem: `question "${q.id}": the answer must be text` };
      answer = answer.trim();
      if ([...(answer as string)].length > MAX_SURVEY_TEXT_ANSWER)
        return {
          problem: `question "${
            q.id
          }": at most ${MAX_SURVEY_TEXT_ANSWER.toLocaleString(
            'en-US',
          )} characters`,
        };
      if ((answer as string).includes('\u0000'))
        return { problem: `question "${q.id}": NUL characters are refused` };
      if (answer === '') answer = undefined;
    }
    if (answer === undefined) {
      if (q.required)
        return { problem: `question "${q.id}" is required: answer it` };
      continue;
    }
    kept.push([q.id, answer as number | string]);
  }
  if (kept.length === 0) return { problem: 'answer at least one question' };
  return { answers: Object.fromEntries(kept) };
}

/** The mean of `values`, to two decimals; null for none. */
export function surveyMean(values: number[]): number | null {
  if (values.length === 0) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  return Math.round((sum / values.length) * 100) / 100;
}

/** Scale answers per score: index 0 counts the 1s ... index 4 the 5s. */
export function scoreDistribution(values: number[]): number[] {
  const counts = new Array<number>(SURVEY_SCALE_MAX).fill(0);
  for (const v of values)
    if (Number.isInteger(v) && v >= 1 && v <= SURVEY_SCALE_MAX) counts[v - 1]++;
  return counts;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO 8601 week of `date` (UTC), as `2026-W49`. */
export function isoWeekKey(date: Date): string {
  const d = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
  );
  // The Thursday of the week decides its year.
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const year = d.getUTCFullYear();
  const week = Math.ceil(
    ((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7,
  );
  return `${year}-W${pad(week)}`;
}

/**
 * The period `date` falls in (UTC): `2026-W49`, `2026-12` or `2026-Q4`.
 * One person answers a portal survey once per period.
 */
export function surveyPeriodKey(period: SurveyPeriod, date: Date): string {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (period) {
    case 'week':
      return isoWeekKey(date);
    case 'quarter':
      return `${year}-Q${Math.floor(month / 3) + 1}`;
    case 'month':
    default:
      return `${year}-${pad(month + 1)}`;
  }
}

/**
 * The periods a survey's results are given for: a portal survey's own
 * period, months for golden-path surveys. Results come for whole periods
 * only, so no two answers differ by a handful of respondents.
 */
export function resultsPeriodOf(survey: {
  trigger: string;
  period?: SurveyPeriod;
}): SurveyPeriod {
  return survey.trigger === 'portal' ? survey.period ?? 'month' : 'month';
}

/**
 * [from, to) of a period key (`2026-W49`, `2026-12`, `2026-Q4`) of the
 * given kind, in UTC; undefined when `key` is not such a key.
 */
export function surveyPeriodRange(
  period: SurveyPeriod,
  key: string,
): { from: Date; to: Date } | undefined {
  let from: Date;
  let to: Date;
  if (period === 'week') {
    const m = /^(\d{4})-W(\d{2})$/.exec(key);
    if (!m) return undefined;
    // Week 1 is the week of 4 January; weeks start on Monday.
    const jan4 = Date.UTC(Number(m[1]), 0, 4);
    const monday1 = jan4 - ((new Date(jan4).getUTCDay() || 7) - 1) * 86_400_000;
    from = new Date(monday1 + (Number(m[2]) - 1) * 7 * 86_400_000);
    to = new Date(from.getTime() + 7 * 86_400_000);
  } else if (period === 'quarter') {
    const m = /^(\d{4})-Q([1-4])$/.exec(key);
    if (!m) return undefined;
    from = new Date(Date.UTC(Number(m[1]), (Number(m[2]) - 1) * 3, 1));
    to = new Date(Date.UTC(Number(m[1]), Number(m[2]) * 3, 1));
  } else {
    const m = /^(\d{4})-(\d{2})$/.exec(key);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
    from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  }
  return surveyPeriodKey(period, from) === key ? { from, to } : undefined;
}

/** The `count` period keys up to the one `date` falls in, newest first. */
export function recentSurveyPeriods(
  period: SurveyPeriod,
  date: Date,
  count: number,
): string[] {
  const keys: string[] = [];
  let key = surveyPeriodKey(period, date);
  while (keys.length < count) {
    keys.push(key);
    const range = surveyPeriodRange(period, key)!;
    key = surveyPeriodKey(period, new Date(range.from.getTime() - 1));
  }
  return keys;
}

/** Provisioning-time buckets of golden-path runs, shortest first. */
export const PROVISIONING_BUCKETS = [
  '< 1 min',
  '1–5 min',
  '5–15 min',
  '> 15 min',
] as const;

export type ProvisioningBucket = (typeof PROVISIONING_BUCKETS)[number];

/**
 * The bucket of a provisioning time in ms: [0, 1 min), [1, 5 min),
 * [5, 15 min), 15 min and longer.
 */
export function provisioningBucket(ms: number): ProvisioningBucket {
  if (ms < 60_000) return '< 1 min';
  if (ms < 5 * 60_000) return '1–5 min';
  if (ms < 15 * 60_000) return '5–15 min';
  return '> 15 min';
}

/**
 * The start of a provisioning time's bucket: what an answer keeps, so its
 * run cannot be found again by its exact duration.
 */
export function provisioningBucketStart(ms: number): number {
  if (ms < 60_000) return 0;
  if (ms < 5 * 60_000) return 60_000;
  if (ms < 15 * 60_000) return 5 * 60_000;
  return 15 * 60_000;
}

/**
 * Consecutive non-empty parts merged until each has at least `min` rows (a
 * small last group joins the one before); empty parts are dropped.
 */
export function mergeSmallParts<T>(
  parts: Array<{ label: string; rows: T[] }>,
  min: number,
): Array<{ labels: string[]; rows: T[] }> {
  const groups: Array<{ labels: string[]; rows: T[] }> = [];
  let open: { labels: string[]; rows: T[] } | undefined;
  for (const part of parts) {
    if (part.rows.length === 0) continue;
    open = open
      ? {
          labels: [...open.labels, part.label],
          rows: [...open.rows, ...part.rows],
        }
      : { labels: [part.label], rows: part.rows };
    if (open.rows.length >= min) {
      groups.push(open);
      open = undefined;
    }
  }
  if (open) {
    const last = groups.pop();
    groups.push(
      last
        ? {
            labels: [...last.labels, ...open.labels],
            rows: [...last.rows, ...open.rows],
          }
        : open,
    );
  }
  return groups;
}

/** One stored answer, as the results read it: nobody's name in it. */
export interface SurveyResponseRecord {
  /** When it was given (ISO date-time; the store keeps the day only). */
  submittedAt: string;
  /** Its ISO week (`2026-W49`). */
  week: string;
  answers: SurveyAnswers;
  /** Golden-path surveys: how long the run took. */
  provisioningMs?: number;
}

/**
 * The results of `survey` over `responses` (one per respondent and
 * period). With fewer respondents than `minGroupSize` only the counts are
 * given (`hidden`). Otherwise: per scale question its mean and
 * distribution (when at least `minGroupSize` answered it), per text
 * question its comments (newest first, at most 100), the mean of all scale
 * answers per ISO week and, for golden-path surveys, the scale answer per
 * provisioning-time bucket. In a breakdown (weeks, buckets) every part has
 * `minGroupSize` respondents: a smaller one is merged with its neighbours
 * (`2026-W44–W45`, `5–15 min + > 15 min`), never left out, since a part
 * left out would be the total minus the others.
 */
export function summariseSurveyResponses(
  survey: Survey,
  responses: SurveyResponseRecord[],
  options: {
    minGroupSize: number;
    owner?: string;
    period?: string;
    from?: string;
    to?: string;
  },
): SurveyResults {
  const { minGroupSize } = options;
  const newestFirst = [...responses].sort((a, b) =>
    b.submittedAt.localeCompare(a.submittedAt),
  );
  const respondents = responses.length;
  const hidden = respondents < minGroupSize;
  const valuesOf = (id: string, rows: SurveyResponseRecord[]) =>
    rows
      .map(r => (Object.hasOwn(r.answers, id) ? r.answers[id] : undefined))
      .filter(v => v !== undefined);
  const scaleValues = (rows: SurveyResponseRecord[]) =>
    survey.questions
      .filter(q => q.type === 'scale')
      .flatMap(q => valuesOf(q.id, rows))
      .filter((v): v is number => typeof v === 'number');

  const questions: SurveyResults['questions'] = survey.questions.map(q => {
    const values = valuesOf(q.id, newestFirst);
    const base = {
      id: q.id,
      text: q.text,
      type: q.type,
      responses: values.length,
    };
    if (hidden) return base;
    if (q.type === 'text')
      return {
        ...base,
        comments: values
          .filter((v): v is string => typeof v === 'string')
          .slice(0, MAX_SURVEY_COMMENTS),
      };
    if (values.length < minGroupSize) return base;
    const scores = values.filter((v): v is number => typeof v === 'number');
    return {
      ...base,
      mean: surveyMean(scores) ?? undefined,
      distribution: scoreDistribution(scores),
    };
  });

  const trend: SurveyResults['trend'] = [];
  if (!hidden) {
    const weeks = [...new Set(responses.map(r => r.week))].sort();
    for (const group of mergeSmallParts(
      weeks.map(week => ({
        label: week,
        rows: responses.filter(r => r.week === week),
      })),
      minGroupSize,
    )) {
      const mean = surveyMean(scaleValues(group.rows));
      const [first, ...rest] = group.labels;
      const last = rest[rest.length - 1];
      if (mean !== null)
        trend.push({
          // Weeks merged: `2026-W44–W45`.
          week: last ? `${first}–${last.slice(last.indexOf('-') + 1)}` : first,
          respondents: group.rows.length,
          mean,
        });
    }
  }

  let byProvisioningTime: SurveyResults['byProvisioningTime'];
  if (!hidden && survey.trigger === 'golden-path') {
    const groups = mergeSmallParts(
      PROVISIONING_BUCKETS.map(bucket => ({
        label: bucket as string,
        rows: responses.filter(
          r =>
            typeof r.provisioningMs === 'number' &&
            provisioningBucket(r.provisioningMs) === bucket,
        ),
      })),
      minGroupSize,
    );
    byProvisioningTime = PROVISIONING_BUCKETS.flatMap(bucket => {
      const group = groups.find(g => g.labels.includes(bucket));
      if (!group) return [{ bucket, respondents: 0, mean: null }];
      if (group.labels[0] !== bucket) return [];
      return [
        {
          bucket: group.labels.join(' + '),
          respondents: group.rows.length,
          mean: surveyMean(scaleValues(group.rows)),
        },
      ];
    });
  }

  return {
    surveyId: survey.id,
    title: survey.title,
    ...(options.owner !== undefined && { owner: options.owner }),
    ...(options.period !== undefined && { period: options.period }),
    ...(options.from !== undefined && { from: options.from }),
    ...(options.to !== undefined && { to: options.to }),
    respondents,
    minGroupSize,
    hidden,
    questions,
    trend,
    ...(byProvisioningTime && { byProvisioningTime }),
  };
}
