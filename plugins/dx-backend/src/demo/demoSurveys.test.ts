import {
  checkSurveyAnswers,
  isoWeekKey,
  parseSurveyConfig,
  summariseSurveyResponses,
  type SurveyResponseRecord,
} from '@internal/plugin-dx-common';
import type { SurveyResponseToInsert } from '../surveys/SurveyStore';
import {
  DEMO_DX_SURVEY,
  DEMO_GOLDEN_PATH_SURVEY,
  DEMO_SURVEY_ID_PREFIX,
  demoSurveyResponses,
} from './demoSurveys';

// A Wednesday.
const NOW = new Date('2026-12-02T12:00:00Z');
const DAY = 86_400_000;
const TEAMS = [
  'group:default/storefront-team',
  'group:default/payments-team',
  'group:default/platform-team',
];

// The surveys of app-config.yaml.
const config = parseSurveyConfig({
  minGroupSize: 5,
  definitions: [
    {
      id: DEMO_DX_SURVEY,
      title: 'Developer experience',
      trigger: 'portal',
      period: 'month',
      questions: [
        { id: 'ease', text: 'Ease?', type: 'scale', required: true },
        { id: 'tooling', text: 'Tooling?', type: 'scale' },
        { id: 'slowed-down', text: 'Slowed down?', type: 'text' },
      ],
    },
    {
      id: DEMO_GOLDEN_PATH_SURVEY,
      title: 'Golden path',
      trigger: 'golden-path',
      questions: [
        { id: 'satisfaction', text: 'Satisfied?', type: 'scale' },
        { id: 'comment', text: 'Improve?', type: 'text' },
      ],
    },
  ],
});
const survey = (id: string) => config.definitions.find(d => d.id === id)!;

/** As the store reads them back. */
const records = (rows: SurveyResponseToInsert[]): SurveyResponseRecord[] =>
  rows.map(r => {
    const day = new Date(Math.floor(r.at.getTime() / DAY) * DAY);
    return {
      submittedAt: day.toISOString(),
      week: isoWeekKey(day),
      answers: r.answers,
      ...(r.provisioningMs !== undefined && {
        provisioningMs: r.provisioningMs,
      }),
    };
  });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('demoSurveyResponses', () => {
  const rows = demoSurveyResponses(TEAMS, NOW);
  const dx = rows.filter(r => r.surveyId === DEMO_DX_SURVEY);
  const gp = rows.filter(r => r.surveyId === DEMO_GOLDEN_PATH_SURVEY);

  it('is the same every time, whatever the order of the teams', () => {
    expect(demoSurveyResponses(TEAMS, NOW)).toEqual(rows);
    expect(demoSurveyResponses([...TEAMS].reverse(), NOW)).toEqual(rows);
    expect(demoSurveyResponses([...TEAMS, TEAMS[0]], NOW)).toEqual(rows);
  });

  it('gives valid answers with unique demo ids, on working days of the 12 weeks before this one', () => {
    expect(new Set(rows.map(r => r.id)).size).toBe(rows.length);
    const weeks = new Set<string>();
    for (const r of rows) {
      expect(r.id.startsWith(DEMO_SURVEY_ID_PREFIX)).toBe(true);
      expect(r.id.length).toBeLessThanOrEqual(36);
      expect(checkSurveyAnswers(survey(r.surveyId), r.answers)).toEqual({
        answers: r.answers,
      });
      // Tuesday to Friday, before this week's Monday, within 90 days.
      expect([2, 3, 4, 5]).toContain(r.at.getUTCDay());
      expect(r.at.getTime()).toBeLessThan(Date.parse('2026-11-30T00:00:00Z'));
      expect(r.at.getTime()).toBeGreaterThan(NOW.getTime() - 90 * DAY);
      weeks.add(isoWeekKey(r.at));
    }
    expect(weeks.size).toBe(12);
    expect(weeks.has(isoWeekKey(NOW))).toBe(false);
  });

  it('shows every team every week, with a gentle upward trend and a few comments', () => {
    for (const team of TEAMS) {
      const own = dx.filter(r => r.teams.length === 1 && r.teams[0] === team);
      const results = summariseSurveyResponses(
        survey(DEMO_DX_SURVEY),
        records(own),
        { minGroupSize: 5, owner: team },
      );
      expect(results.hidden).toBe(false);
      expect(results.trend).toHaveLength(12);
      for (const week of results.trend)
        expect(week.respondents).toBeGreaterThanOrEqual(5);
      const first = mean(results.trend.slice(0, 4).map(w => w.mean));
      const last = mean(results.trend.slice(-4).map(w => w.mean));
      expect(last - first).toBeGreaterThan(0.2);
      expect(last - first).toBeLessThan(1.5);
    }
    const comments = dx.filter(r => 'slowed-down' in r.answers);
    expect(comments.length).toBeGreaterThanOrEqual(5);
    expect(comments.length).toBeLessThanOrEqual(dx.length / 6);
  });

  it('ties golden-path answers to provisioning times: every bucket shown, slower runs rated lower', () => {
    expect(gp).toHaveLength(72);
    for (const r of gp) {
      expect(r.taskId).toMatch(/^demo-run-\d+$/);
      expect(r.provisioningMs).toBeGreaterThan(0);
      expect(TEAMS).toContain(r.teams[0]);
    }
    const results = summariseSurveyResponses(
      survey(DEMO_GOLDEN_PATH_SURVEY),
      records(gp),
      { minGroupSize: 5 },
    );
    const buckets = results.byProvisioningTime!;
    expect(buckets.map(b => b.respondents)).toEqual([18, 24, 18, 12]);
    const means = buckets.map(b => b.mean!);
    expect(means.every(m => typeof m === 'number')).toBe(true);
    expect(means[0]).toBeGreaterThan(means[3]);
  });

  it('gives each team and week at least minGroupSize answers, only answers the configured surveys accept, and without teams golden-path answers only', () => {
    const big = demoSurveyResponses(TEAMS, NOW, { minGroupSize: 8 });
    const perTeamWeek = new Map<string, number>();
    for (const r of big.filter(x => x.surveyId === DEMO_DX_SURVEY)) {
      const key = `${r.teams[0]} ${isoWeekKey(r.at)}`;
      perTeamWeek.set(key, (perTeamWeek.get(key) ?? 0) + 1);
    }
    expect(perTeamWeek.size).toBe(36);
    expect(Math.min(...perTeamWeek.values())).toBeGreaterThanOrEqual(8);

    // Only answers the configured surveys accept.
    expect(
      demoSurveyResponses(TEAMS, NOW, { surveys: config.definitions }),
    ).toEqual(rows);
    const onlyGoldenPath = demoSurveyResponses(TEAMS, NOW, {
      surveys: [survey(DEMO_GOLDEN_PATH_SURVEY)],
    });
    expect(onlyGoldenPath).toEqual(gp);
    const renamed = demoSurveyResponses(TEAMS, NOW, {
      surveys: [
        {
          ...survey(DEMO_DX_SURVEY),
          questions: [{ id: 'speed', text: 'Speed?', type: 'scale' }],
        },
      ],
    });
    expect(renamed).toEqual([]);

    const none = demoSurveyResponses([], NOW);
    expect(none.every(r => r.surveyId === DEMO_GOLDEN_PATH_SURVEY)).toBe(true);
    expect(none.every(r => r.teams.length === 0)).toBe(true);
  });
});
