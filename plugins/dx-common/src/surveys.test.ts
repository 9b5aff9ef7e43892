import { DateTime } from 'luxon';
import type { Survey } from './api';
import {
  checkSurveyAnswers,
  isoWeekKey,
  parseSurveyConfig,
  provisioningBucket,
  PROVISIONING_BUCKETS,
  scoreDistribution,
  summariseSurveyResponses,
  surveyMean,
  surveyPeriodKey,
  surveyPeriodRange,
  recentSurveyPeriods,
  resultsPeriodOf,
  mergeSmallParts,
  type SurveyResponseRecord,
} from './surveys';

const portal = {
  id: 'developer-experience',
  title: 'Developer experience',
  trigger: 'portal',
  questions: [
    { id: 'ease', text: 'How easy?', type: 'scale', required: true },
    { id: 'slowed', text: 'What slowed you down?', type: 'text' },
  ],
};
const golden = {
  id: 'golden-path',
  title: 'Golden path',
  trigger: 'golden-path',
  questions: [
    { id: 'satisfaction', text: 'How satisfied?', type: 'scale' },
    { id: 'comment', text: 'Anything else?', type: 'text' },
  ],
};

describe('parseSurveyConfig', () => {
  it('reads definitions, filling in the defaults', () => {
    expect(parseSurveyConfig({ definitions: [portal, golden] })).toEqual({
      minGroupSize: 5,
      definitions: [
        { ...portal, period: 'month' },
        { ...golden }, // no period: one answer per run
      ],
    });
    expect(parseSurveyConfig(undefined)).toEqual({
      minGroupSize: 5,
      definitions: [],
    });
    expect(
      parseSurveyConfig({
        minGroupSize: 3,
        definitions: [{ ...portal, period: 'quarter', description: 'Hi' }],
      }).definitions[0],
    ).toMatchObject({ period: 'quarter', description: 'Hi' });
  });

  const badConfigs: Array<[unknown, string]> = [
    [
      {
        definitions: [
          portal,
          { ...golden, questions: [{ ...golden.questions[0], type: 'stars' }] },
        ],
      },
      'dx.surveys.definitions[1].questions[0].type: Invalid option: expected one of "scale"|"text"',
    ],
    [{ minGroupSize: 1 }, 'dx.surveys.minGroupSize: '],
    [{ minGroupSize: 2.5 }, 'dx.surveys.minGroupSize: '],
    [
      { definitions: [{ ...portal, id: 'Has Spaces' }] },
      'dx.surveys.definitions[0].id: survey ids are lower-case',
    ],
    [
      { definitions: [{ ...portal, trigger: 'email' }] },
      'dx.surveys.definitions[0].trigger: ',
    ],
    [
      { definitions: [{ ...portal, period: 'day' }] },
      'dx.surveys.definitions[0].period: ',
    ],
    [
      { definitions: [{ ...portal, questions: [] }] },
      'dx.surveys.definitions[0].questions: ',
    ],
    [
      {
        definitions: [
          {
            ...portal,
            questions: Array.from({ length: 21 }, (_, i) => ({
              id: `q${i}`,
              text: 'Q',
              type: 'scale',
            })),
          },
        ],
      },
      'dx.surveys.definitions[0].questions: ',
    ],
    [
      { definitions: [portal, portal] },
      'dx.surveys.definitions[1].id: duplicate survey id "developer-experience"',
    ],
    [
      {
        definitions: [
          {
            ...portal,
            questions: [
              portal.questions[0],
              { ...portal.questions[1], id: 'ease' },
            ],
          },
        ],
      },
      'dx.surveys.definitions[0].questions[1].id: duplicate question id "ease"',
    ],
    [
      { definitions: [{ ...portal, colour: 'red' }] },
      'dx.surveys.definitions[0]: Unrecognized key: "colour"',
    ],
    [{ surveys: [] }, 'dx.surveys: Unrecognized key: "surveys"'],
    [
      { definitions: [{ ...golden, questions: [golden.questions[1]] }] },
      'dx.surveys.definitions[0].questions: a golden-path survey has exactly one scale question',
    ],
    [
      {
        definitions: [
          {
            ...golden,
            questions: [
              ...golden.questions,
              { id: 'more', text: 'More?', type: 'scale' },
            ],
          },
        ],
      },
      'dx.surveys.definitions[0].questions: a golden-path survey has exactly one scale question',
    ],
    [
      { definitions: [{ ...golden, period: 'week' }] },
      'dx.surveys.definitions[0].period: golden-path surveys are answered once per run',
    ],
    [[], 'dx.surveys: '],
  ];
  it.each(badConfigs.map(([value, message]) => [message, value] as const))(
    'refuses: %s',
    (message, value) => {
      expect(() => parseSurveyConfig(value, 'dx.surveys')).toThrow(message);
    },
  );

  it('refuses __proto__ and constructor keys without touching prototypes', () => {
    const value = JSON.parse(
      `{"definitions":[{"id":"x","title":"X","trigger":"portal","questions":[{"id":"a","text":"A","type":"scale","__proto__":{"polluted":true}}]}],"__proto__":{"polluted":true}}`,
    );
    expect(() => parseSurveyConfig(value)).toThrow(
      /dx\.surveys\.definitions\[0\]\.questions\[0\]: Unrecognized key: "__proto__"/,
    );
    expect(() =>
      parseSurveyConfig({ definitions: [{ ...portal, constructor: 1 }] }),
    ).toThrow('Unrecognized key: "constructor"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('checkSurveyAnswers', () => {
  const survey = parseSurveyConfig({ definitions: [portal] }).definitions[0];

  it('keeps valid answers in question order, trimmed, empty text dropped', () => {
    expect(checkSurveyAnswers(survey, { slowed: '  CI  ', ease: 4 })).toEqual({
      answers: { ease: 4, slowed: 'CI' },
    });
    expect(checkSurveyAnswers(survey, { ease: 1, slowed: '   ' })).toEqual({
      answers: { ease: 1 },
    });
    expect(
      checkSurveyAnswers(survey, { ease: 5, slowed: 'é'.repeat(2000) }),
    ).toHaveProperty('answers');
  });

  const badAnswers: Array<[unknown, string]> = [
    [{ ease: 3, nope: 1 }, 'question "nope": no such question'],
    [{ ease: 6 }, 'question "ease": a scale answer is an integer from 1 to 5'],
    [{ ease: 0 }, 'question "ease": a scale answer'],
    [{ ease: 2.5 }, 'question "ease": a scale answer'],
    [{ ease: '4' }, 'question "ease": a scale answer'],
    [
      { ease: 3, slowed: 'x'.repeat(2001) },
      'question "slowed": at most 2,000 characters',
    ],
    [{ ease: 3, slowed: 7 }, 'question "slowed": the answer must be text'],
    [{ ease: 3, slowed: 'a\u0000b' }, 'question "slowed": NUL'],
    [{ slowed: 'only text' }, 'question "ease" is required'],
    [[4], 'answers must be an object'],
    [null, 'answers must be an object'],
    ['ease', 'answers must be an object'],
  ];
  it.each(badAnswers.map(([answers, problem]) => [problem, answers] as const))(
    'refuses: %s',
    (problem, answers) => {
      const result = checkSurveyAnswers(survey, answers);
      expect(result).toHaveProperty('problem');
      expect((result as { problem: string }).problem).toContain(problem);
    },
  );

  it('refuses a JSON __proto__ key and an empty answer', () => {
    expect(
      checkSurveyAnswers(survey, JSON.parse('{"ease":3,"__proto__":{"x":1}}')),
    ).toEqual({
      problem: 'question "__proto__": no such question in this survey',
    });
    const optional = parseSurveyConfig({
      definitions: [{ ...portal, questions: [portal.questions[1]] }],
    }).definitions[0];
    expect(checkSurveyAnswers(optional, {})).toEqual({
      problem: 'answer at least one question',
    });
    // A question id that is also an Object.prototype name is still unanswered.
    const tricky = parseSurveyConfig({
      definitions: [
        {
          ...portal,
          questions: [
            { id: 'constructor', text: 'C', type: 'scale', required: true },
          ],
        },
      ],
    }).definitions[0];
    expect(checkSurveyAnswers(tricky, {})).toEqual({
      problem: 'question "constructor" is required: answer it',
    });
  });
});

describe('result helpers', () => {
  it('means to two decimals and distributions by score', () => {
    expect(surveyMean([])).toBeNull();
    expect(surveyMean([4, 2, 5])).toBe(3.67);
    expect(surveyMean([1, 2])).toBe(1.5);
    expect(scoreDistribution([4, 2, 5, 5, 9, 0, 2.5])).toEqual([0, 1, 0, 1, 2]);
  });

  it('ISO weeks, also across years', () => {
    expect(isoWeekKey(new Date('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeekKey(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeekKey(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekKey(new Date('2021-01-03T23:59:59Z'))).toBe('2020-W53');
    expect(isoWeekKey(new Date('2026-12-02T10:00:00Z'))).toBe('2026-W49');
    // Every day of ten years agrees with luxon.
    for (
      let t = Date.UTC(2020, 0, 1);
      t < Date.UTC(2030, 0, 1);
      t += 86_400_000
    )
      expect(isoWeekKey(new Date(t))).toBe(
        DateTime.fromMillis(t, { zone: 'utc' }).toFormat("kkkk-'W'WW"),
      );
  });

  it('periods', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    expect(surveyPeriodKey('week', at)).toBe('2026-W49');
    expect(surveyPeriodKey('month', at)).toBe('2026-12');
    expect(surveyPeriodKey('quarter', at)).toBe('2026-Q4');
    expect(surveyPeriodKey('quarter', new Date('2026-03-31T23:59:59Z'))).toBe(
      '2026-Q1',
    );
  });

  it('whole periods: their ranges, the recent ones, and which a survey has', () => {
    const iso = (r?: { from: Date; to: Date }) =>
      r && [r.from.toISOString(), r.to.toISOString()];
    expect(iso(surveyPeriodRange('month', '2026-12'))).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(iso(surveyPeriodRange('quarter', '2026-Q1'))).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(iso(surveyPeriodRange('week', '2026-W49'))).toEqual([
      '2026-11-30T00:00:00.000Z',
      '2026-12-07T00:00:00.000Z',
    ]);
    expect(iso(surveyPeriodRange('week', '2020-W53'))).toEqual([
      '2020-12-28T00:00:00.000Z',
      '2021-01-04T00:00:00.000Z',
    ]);
    // Every week of ten years: the range holds exactly its own days.
    for (
      let t = Date.UTC(2020, 0, 1);
      t < Date.UTC(2030, 0, 1);
      t += 7 * 86_400_000
    ) {
      const key = surveyPeriodKey('week', new Date(t));
      const range = surveyPeriodRange('week', key)!;
      expect(surveyPeriodKey('week', range.from)).toBe(key);
      expect(surveyPeriodKey('week', new Date(range.to.getTime() - 1))).toBe(
        key,
      );
      expect(surveyPeriodKey('week', range.to)).not.toBe(key);
    }
    for (const [period, key] of [
      ['month', '2026-13'],
      ['month', '2026-1'],
      ['month', '2026-Q4'],
      ['quarter', '2026-Q5'],
      ['week', '2026-W54'],
      ['week', '2026-W00'],
      ['week', '2026-12'],
    ] as const)
      expect([period, key, surveyPeriodRange(period, key)]).toEqual([
        period,
        key,
        undefined,
      ]);
    const at = new Date('2027-01-10T10:00:00Z');
    expect(recentSurveyPeriods('month', at, 3)).toEqual([
      '2027-01',
      '2026-12',
      '2026-11',
    ]);
    expect(recentSurveyPeriods('quarter', at, 2)).toEqual([
      '2027-Q1',
      '2026-Q4',
    ]);
    expect(recentSurveyPeriods('week', at, 3)).toEqual([
      '2027-W01',
      '2026-W53',
      '2026-W52',
    ]);
    expect(resultsPeriodOf({ trigger: 'portal', period: 'quarter' })).toBe(
      'quarter',
    );
    expect(resultsPeriodOf({ trigger: 'golden-path' })).toBe('month');
  });

  it('provisioning-time buckets', () => {
    expect(PROVISIONING_BUCKETS).toEqual([
      '< 1 min',
      '1–5 min',
      '5–15 min',
      '> 15 min',
    ]);
    expect(
      [0, 59_999, 60_000, 299_999, 300_000, 899_999, 900_000, 86_400_000].map(
        provisioningBucket,
      ),
    ).toEqual([
      '< 1 min',
      '< 1 min',
      '1–5 min',
      '1–5 min',
      '5–15 min',
      '5–15 min',
      '> 15 min',
      '> 15 min',
    ]);
  });
});

describe('summariseSurveyResponses', () => {
  const survey = parseSurveyConfig({
    definitions: [
      {
        ...portal,
        questions: [
          ...portal.questions,
          { id: 'speed', text: 'How fast?', type: 'scale' },
        ],
      },
    ],
  }).definitions[0];
  const r = (
    day: string,
    answers: Record<string, number | string>,
    provisioningMs?: number,
  ): SurveyResponseRecord => ({
    submittedAt: `${day}T00:00:00.000Z`,
    week: isoWeekKey(new Date(day)),
    answers,
    provisioningMs,
  });

  it('hides everything but counts below minGroupSize', () => {
    const result = summariseSurveyResponses(
      survey,
      [
        r('2026-12-01', { ease: 4, slowed: 'CI' }),
        r('2026-12-02', { ease: 2 }),
      ],
      { minGroupSize: 3, owner: 'group:default/a' },
    );
    expect(result).toEqual({
      surveyId: 'developer-experience',
      title: 'Developer experience',
      owner: 'group:default/a',
      respondents: 2,
      minGroupSize: 3,
      hidden: true,
      questions: [
        { id: 'ease', text: 'How easy?', type: 'scale', responses: 2 },
        {
          id: 'slowed',
          text: 'What slowed you down?',
          type: 'text',
          responses: 1,
        },
        { id: 'speed', text: 'How fast?', type: 'scale', responses: 0 },
      ],
      trend: [],
    });
  });

  it('means, distributions, comments newest first and the weekly trend', () => {
    const responses = [
      r('2026-11-16', { ease: 1, speed: 1 }), // W47, alone: no trend at all
      r('2026-11-30', { ease: 4, slowed: 'reviews' }), // W49
      r('2026-12-02', { ease: 2, slowed: 'flaky CI', speed: 3 }),
      r('2026-12-03', { ease: 5, speed: 5 }),
    ];
    const result = summariseSurveyResponses(survey, responses, {
      minGroupSize: 3,
    });
    expect(result.hidden).toBe(false);
    expect(result.respondents).toBe(4);
    expect(result.questions).toEqual([
      {
        id: 'ease',
        text: 'How easy?',
        type: 'scale',
        responses: 4,
        mean: 3, // (1 + 4 + 2 + 5) / 4
        distribution: [1, 1, 0, 1, 1],
      },
      {
        id: 'slowed',
        text: 'What slowed you down?',
        type: 'text',
        responses: 2,
        comments: ['flaky CI', 'reviews'],
      },
      // Answered by 3 of 4: shown (3 >= minGroupSize).
      {
        id: 'speed',
        text: 'How fast?',
        type: 'scale',
        responses: 3,
        mean: 3,
        distribution: [1, 0, 1, 0, 1],
      },
    ]);
    // W47 has one respondent: merged with W49, never left out (a trend
    // showing W49 alone would give W47's answer as the total minus W49).
    // All scale answers: 1, 1, 4, 2, 3, 5, 5 = 21 / 7.
    expect(result.trend).toEqual([
      { week: '2026-W47–W49', respondents: 4, mean: 3 },
    ]);
    // W49 alone: ease 4, 2, 5 and speed 3, 5: 19 / 5.
    expect(
      summariseSurveyResponses(survey, responses.slice(1), {
        minGroupSize: 3,
      }).trend,
    ).toEqual([{ week: '2026-W49', respondents: 3, mean: 3.8 }]);
    expect(result.byProvisioningTime).toBeUndefined();
    // A scale question fewer than minGroupSize answered shows no numbers.
    const few = summariseSurveyResponses(survey, responses.slice(1), {
      minGroupSize: 3,
    });
    expect(few.questions[2]).toEqual({
      id: 'speed',
      text: 'How fast?',
      type: 'scale',
      responses: 2,
    });
  });

  it('merges small parts with their neighbours, never leaving one out', () => {
    const part = (label: string, n: number) => ({
      label,
      rows: Array.from({ length: n }, (_, i) => `${label}${i}`),
    });
    const labels = (parts: Array<{ label: string; rows: string[] }>) =>
      mergeSmallParts(parts, 3).map(g => [g.labels.join('+'), g.rows.length]);
    expect(
      labels([part('a', 1), part('b', 1), part('c', 4), part('d', 0)]),
    ).toEqual([['a+b+c', 6]]);
    expect(labels([part('a', 3), part('b', 5), part('c', 1)])).toEqual([
      ['a', 3],
      ['b+c', 6],
    ]);
    expect(labels([part('a', 2)])).toEqual([['a', 2]]);
    expect(labels([])).toEqual([]);
  });

  it('golden-path surveys: the answer by provisioning time', () => {
    const gp = parseSurveyConfig({ definitions: [golden] })
      .definitions[0] as Survey;
    const result = summariseSurveyResponses(
      gp,
      [
        r('2026-12-01', { satisfaction: 5 }, 30_000),
        r('2026-12-01', { satisfaction: 4 }, 45_000),
        r('2026-12-01', { satisfaction: 2 }, 50_000),
        r('2026-12-01', { satisfaction: 1 }, 20 * 60_000),
        r('2026-12-01', { satisfaction: 3 }),
      ],
      { minGroupSize: 3 },
    );
    // One answer above 15 min: merged with the bucket before it (no mean
    // of its own, which would follow from the others and the total).
    expect(result.byProvisioningTime).toEqual([
      { bucket: '< 1 min + > 15 min', respondents: 4, mean: 3 },
      { bucket: '1–5 min', respondents: 0, mean: null },
      { bucket: '5–15 min', respondents: 0, mean: null },
    ]);
    expect(result.questions[0].mean).toBe(3);
    const fast = summariseSurveyResponses(
      gp,
      [
        r('2026-12-01', { satisfaction: 5 }, 30_000),
        r('2026-12-01', { satisfaction: 4 }, 45_000),
        r('2026-12-01', { satisfaction: 2 }, 50_000),
      ],
      { minGroupSize: 3 },
    );
    expect(fast.byProvisioningTime).toEqual([
      { bucket: '< 1 min', respondents: 3, mean: 3.67 },
      { bucket: '1–5 min', respondents: 0, mean: null },
      { bucket: '5–15 min', respondents: 0, mean: null },
      { bucket: '> 15 min', respondents: 0, mean: null },
    ]);
  });
});
