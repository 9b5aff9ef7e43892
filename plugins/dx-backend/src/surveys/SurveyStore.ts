import {
  isoWeekKey,
  provisioningBucketStart,
  type SurveyAnswers,
  type SurveyResponseRecord,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** An answer to store, with who gave it (kept apart from it). */
export interface SurveyAnswerToStore {
  surveyId: string;
  /** Recorded in the participation only, never with the answer. */
  userRef: string;
  /** The period the answer counts for: `2026-12`, `task:<id>`, ... */
  period: string;
  answers: SurveyAnswers;
  /** The respondent's groups when answering. */
  teams: string[];
  taskId?: string;
  provisioningMs?: number;
  at: Date;
}

/**
 * An answer stored as it is, with no participation row: demo data and
 * imports, where no person answered through the portal.
 */
export interface SurveyResponseToInsert {
  /** At most 36 characters; an id already stored is left as it is. */
  id: string;
  surveyId: string;
  answers: SurveyAnswers;
  teams: string[];
  taskId?: string;
  provisioningMs?: number;
  /** When it was given; only the day (UTC) is kept. */
  at: Date;
}

const participationKey = (surveyId: string, period: string) =>
  JSON.stringify([surveyId, period]);

/** The UTC day of `at`: answers keep no finer time. */
const dayOf = (at: Date) =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** Rows of `dx_survey_responses` inserted per statement. */
const INSERT_BATCH = 500;

/**
 * Survey answers and participation. An answer holds no user ref and only
 * the day it was given; who took part is a separate table (survey, user,
 * period) that allows one answer per person per period.
 */
export class SurveyStore {
  constructor(private readonly knex: Knex) {}

  private get pg() {
    return this.knex.client.config.client === 'pg';
  }

  /**
   * Stores the answer and its participation in one transaction. Returns
   * the answer's id, or undefined when the user answered in this period
   * already (nothing is stored then).
   */
  async record(input: SurveyAnswerToStore): Promise<string | undefined> {
    const day = dayOf(input.at);
    return this.knex.transaction(async tx => {
      const took = await tx('dx_survey_participation')
        .insert({
          survey_id: input.surveyId,
          user_ref: input.userRef,
          period: input.period,
        })
        .onConflict(['survey_id', 'user_ref', 'period'])
        .ignore()
        .returning('survey_id');
      if (took.length === 0) return undefined;
      const id = randomUUID();
      await tx('dx_survey_responses').insert({
        id,
        survey_id: input.surveyId,
        submitted_at: day,
        week: isoWeekKey(day),
        teams: this.pg ? input.teams : JSON.stringify(input.teams),
        answers: JSON.stringify(input.answers),
        // No task id (runs name their requester) and no exact duration
        // (runs list it): nothing ties the answer to a person's run.
        task_id: null,
        provisioning_ms:
          input.provisioningMs === undefined
            ? null
            : provisioningBucketStart(input.provisioningMs),
      });
      return id;
    });
  }

  /**
   * Stores answers in bulk, in one transaction, without participation
   * (demo data, imports); ids already stored are skipped, so writing the
   * same rows again changes nothing. Returns how many were stored.
   */
  async insertResponses(rows: SurveyResponseToInsert[]): Promise<number> {
    return this.knex.transaction(async tx => {
      let inserted = 0;
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const batch = rows.slice(i, i + INSERT_BATCH).map(r => {
          const day = dayOf(r.at);
          return {
            id: r.id,
            survey_id: r.surveyId,
            submitted_at: day,
            week: isoWeekKey(day),
            teams: this.pg ? r.teams : JSON.stringify(r.teams),
            answers: JSON.stringify(r.answers),
            task_id: null,
            provisioning_ms:
              r.provisioningMs === undefined
                ? null
                : provisioningBucketStart(r.provisioningMs),
          };
        });
        const stored = await tx('dx_survey_responses')
          .insert(batch)
          .onConflict('id')
          .ignore()
          .returning('id');
        inserted += stored.length;
      }
      return inserted;
    });
  }

  /** Whether any stored answer's id starts with `prefix` (e.g. `demo-`). */
  async hasResponsesWithIdPrefix(prefix: string): Promise<boolean> {
    const row = await this.knex('dx_survey_responses')
      .where('id', 'like', `${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`)
      .first('id');
    return Boolean(row);
  }

  /** Of `keys`, the (survey, period) pairs `userRef` answered. */
  async answered(
    userRef: string,
    keys: Array<{ surveyId: string; period: string }>,
  ): Promise<(surveyId: string, period: string) => boolean> {
    const done = new Set<string>();
    if (keys.length > 0) {
      const rows = await this.knex('dx_survey_participation')
        .where('user_ref', userRef)
        .whereIn(
          ['survey_id', 'period'],
          keys.map(k => [k.surveyId, k.period]),
        )
        .select('survey_id', 'period');
      for (const r of rows) done.add(participationKey(r.survey_id, r.period));
    }
    return (surveyId, period) => done.has(participationKey(surveyId, period));
  }

  /**
   * The answers to a survey given in [from, to), newest first; with
   * `owner`, those of members of that group only.
   */
  async responses(
    surveyId: string,
    filter: { from: Date; to: Date; owner?: string },
  ): Promise<SurveyResponseRecord[]> {
    const q = this.knex('dx_survey_responses')
      .where('survey_id', surveyId)
      .andWhere('submitted_at', '>=', filter.from)
      .andWhere('submitted_at', '<', filter.to)
      .orderBy('submitted_at', 'desc')
      .select('submitted_at', 'week', 'teams', 'answers', 'provisioning_ms');
    if (filter.owner && this.pg)
      q.whereRaw('teams @> ARRAY[?]::text[]', [filter.owner]);
    let rows: any[] = await q;
    if (filter.owner && !this.pg) {
      const owner = filter.owner;
      rows = rows.filter(r =>
        (JSON.parse(r.teams) as string[]).includes(owner),
      );
    }
    return rows.map(r => ({
      submittedAt: new Date(r.submitted_at).toISOString(),
      week: r.week,
      answers:
        typeof r.answers === 'string' ? JSON.parse(r.answers) : r.answers,
      ...(r.provisioning_ms !== null &&
        r.provisioning_ms !== undefined && {
          provisioningMs: Number(r.provisioning_ms),
        }),
    }));
  }
}
