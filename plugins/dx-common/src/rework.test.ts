import {
  DEFAULT_DORA_OPTIONS,
  reworkRate,
  type ChangeRecord,
  type DeploymentRecord,
  type DoraOptions,
  type IncidentRecord,
} from './dora';
import { diagnosticsFromCounts, doraDiagnostics } from './doraDiagnostics';
import { normalizeGenericEvent } from './events/generic';
import { normalizeGithubWebhook } from './events/github';
import { normalizeCdEvent } from './events/cdevents';

const A = 'component:default/a';
const B = 'component:default/b';
const range = { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' };

const deploy = (
  id: string,
  at: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord => ({
  id,
  entityRef: A,
  at,
  environment: 'production',
  outcome: 'success',
  ...extra,
});
const change = (
  id: string,
  mergedAt: string,
  extra: Partial<ChangeRecord> = {},
): ChangeRecord => ({
  id,
  entityRef: A,
  mergedAt,
  firstCommitAt: mergedAt,
  ...extra,
});

describe('reworkRate', () => {
  it('is null without production deployments, and has no level', () => {
    const r = reworkRate([], [], [], range);
    expect(r).toMatchObject({ deployments: 0, rework: 0, rate: null });
    expect(r.level).toBeNull();
  });

  it('counts a deployment labelled as rework, on itself or a shipped change', () => {
    const r = reworkRate(
      [
        deploy('d1', '2026-11-02T10:00:00Z', { labels: ['Hotfix'] }),
        deploy('d2', '2026-11-03T10:00:00Z'),
        deploy('d3', '2026-11-04T10:00:00Z'),
        deploy('d4', '2026-11-05T10:00:00Z', { labels: ['release'] }),
      ],
      [
        change('c1', '2026-11-03T09:00:00Z', { labels: ['rework'] }),
        change('c2', '2026-11-04T09:00:00Z', { labels: ['feature'] }),
      ],
      [],
      range,
    );
    expect(r).toMatchObject({ deployments: 4, rework: 2, rate: 0.5 });
    expect(r.byReason).toEqual({ label: 2, branch: 0, incident: 0 });
    expect(r.withMarkers).toBe(4);
    expect(r.rows.find(x => x.deploymentId === 'd1')!.reasons).toEqual([
      { kind: 'label', detail: 'label Hotfix' },
    ]);
    expect(r.rows.find(x => x.deploymentId === 'd2')!.reasons).toEqual([
      { kind: 'label', detail: 'label rework of change c1' },
    ]);
  });

  it('counts a hotfix branch, deployed or of a shipped change, by the configured pattern', () => {
    const ds = [
      deploy('d1', '2026-11-02T10:00:00Z', { branch: 'hotfix/login' }),
      deploy('d2', '2026-11-03T10:00:00Z'),
      deploy('d3', '2026-11-04T10:00:00Z', { branch: 'main' }),
    ];
    const cs = [
      change('c1', '2026-11-03T09:00:00Z', { branch: 'HOTFIX-42' }),
      change('c2', '2026-11-04T09:00:00Z', { branch: 'feature/x' }),
    ];
    const r = reworkRate(ds, cs, [], range);
    expect(r).toMatchObject({ rework: 2, byReason: { branch: 2 } });
    expect(r.rows[1].reasons[0].detail).toBe('branch HOTFIX-42 of change c1');
    const custom: DoraOptions = {
      ...DEFAULT_DORA_OPTIONS,
      rework: {
        labels: [],
        branchPattern: '^feature/',
        linkedIncidents: false,
      },
    };
    expect(reworkRate(ds, cs, [], range, custom).rework).toBe(1);
    const off: DoraOptions = {
      ...DEFAULT_DORA_OPTIONS,
      rework: { labels: [], linkedIncidents: false },
    };
    expect(reworkRate(ds, cs, [], range, off).rework).toBe(0);
  });

  it('counts the first deployment after a production incident opened, while it was open', () => {
    const incidents: IncidentRecord[] = [
      // Fixed by d2 (the first deployment after it opened).
      {
        id: 'i1',
        entityRef: A,
        openedAt: '2026-11-02T11:00:00Z',
        resolvedAt: '2026-11-02T13:00:00Z',
      },
      // Resolved before the next deployment: not a fix.
      {
        id: 'i2',
        entityRef: A,
        openedAt: '2026-11-03T11:00:00Z',
        resolvedAt: '2026-11-03T12:00:00Z',
      },
      // A staging incident: not a production problem.
      {
        id: 'i3',
        entityRef: A,
        openedAt: '2026-11-05T11:00:00Z',
        environment: 'staging',
      },
      // Another entity's.
      { id: 'i4', entityRef: B, openedAt: '2026-11-05T11:00:00Z' },
    ];
    const r = reworkRate(
      [
        deploy('d1', '2026-11-02T10:00:00Z'),
        deploy('d2', '2026-11-02T12:00:00Z'),
        deploy('d3', '2026-11-02T14:00:00Z'),
        deploy('d4', '2026-11-04T10:00:00Z'),
        deploy('d5', '2026-11-06T10:00:00Z'),
      ],
      [],
      incidents,
      range,
    );
    expect(
      r.rows.filter(x => x.reasons.length).map(x => x.deploymentId),
    ).toEqual(['d2']);
    expect(r.rows[1].reasons).toEqual([
      { kind: 'incident', detail: 'first deployment after incident i1 opened' },
    ]);
    // Too long after the opening: outside the failure window.
    const late = reworkRate(
      [deploy('d1', '2026-11-06T10:00:00Z')],
      [],
      [{ id: 'i1', entityRef: A, openedAt: '2026-10-25T10:00:00Z' }],
      range,
    );
    expect(late.rework).toBe(0);
    // Linked incidents off.
    const off = reworkRate(
      [deploy('d2', '2026-11-02T12:00:00Z')],
      [],
      incidents,
      range,
      {
        ...DEFAULT_DORA_OPTIONS,
        rework: { labels: [], linkedIncidents: false },
      },
    );
    expect(off.rework).toBe(0);
  });

  it('counts a deployment shipping a change that names a known incident', () => {
    const r = reworkRate(
      [
        deploy('d1', '2026-11-02T10:00:00Z'),
        deploy('d2', '2026-11-05T10:00:00Z'),
      ],
      [
        change('c1', '2026-11-05T09:00:00Z', { incidentId: '12' }),
        change('c2', '2026-11-02T09:00:00Z', { incidentId: '99' }), // unknown
      ],
      [
        {
          id: `${A}#12`,
          sourceId: '12',
          entityRef: A,
          openedAt: '2026-10-20T10:00:00Z',
        },
      ],
      range,
    );
    expect(r.rework).toBe(1);
    expect(r.rows[1].reasons).toEqual([
      { kind: 'incident', detail: `change c1 fixes incident ${A}#12` },
    ]);
  });

  it('leaves out deployments that failed or did not go to production', () => {
    const r = reworkRate(
      [
        deploy('d1', '2026-11-02T10:00:00Z', { labels: ['hotfix'] }),
        deploy('d2', '2026-11-02T11:00:00Z', {
          labels: ['hotfix'],
          environment: 'staging',
        }),
        deploy('d3', '2026-11-02T12:00:00Z', {
          branch: 'hotfix/x',
          outcome: 'failure',
        }),
        deploy('d4', '2026-10-30T12:00:00Z', { labels: ['hotfix'] }),
      ],
      [],
      [],
      range,
    );
    expect(r).toMatchObject({ deployments: 1, rework: 1, rate: 1 });
  });
});

describe('doraDiagnostics', () => {
  const kinds = (ds: ReturnType<typeof doraDiagnostics>) =>
    Object.fromEntries(ds.map(d => [d.kind, d]));

  it('says why each deployment shipped no change, with counts and examples', () => {
    const deployments = [
      // B has no changes at all.
      deploy('b1', '2026-11-02T10:00:00Z', { entityRef: B, commitSha: 'aaa1' }),
      deploy('b2', '2026-11-03T10:00:00Z', { entityRef: B }),
      // A: d1 ships c1; d2 has no SHA; d3 redeploys d1's commit; d4's
      // commit was seen on a pull request head only; d5's nowhere.
      deploy('d1', '2026-11-02T10:00:00Z', { commitSha: 'c1c1' }),
      deploy('d2', '2026-11-02T11:00:00Z'),
      deploy('d3', '2026-11-02T12:00:00Z', { commitSha: 'c1c1' }),
      deploy('d4', '2026-11-02T13:00:00Z', { commitSha: 'beef' }),
      deploy('d5', '2026-11-02T14:00:00Z', { commitSha: 'f00d' }),
      deploy('d6', '2026-11-02T15:00:00Z', { commitSha: 'f00e' }),
    ];
    const changes = [
      change('c1', '2026-11-02T09:00:00Z', { commitShas: ['c1c1'] }),
    ];
    const d = kinds(
      doraDiagnostics(
        {
          deployments,
          changes,
          incidents: [],
          unlandedCommits: new Set(['beef']),
        },
        range,
      ),
    );
    expect(d['deployment-entity-without-changes']).toMatchObject({
      count: 2,
      examples: ['b1', 'b2'],
      metrics: ['leadTime', 'reworkRate'],
    });
    expect(d['deployment-entity-without-changes'].problem).toBe(
      '2 production deployments belong to entities with no merged change received, so they count for no lead time.',
    );
    expect(d['deployment-without-commit-sha']).toMatchObject({
      count: 1,
      examples: ['d2'],
    });
    expect(d['deployment-without-commit-sha'].fix).toMatch(/commitSha/);
    expect(d['deployment-commit-redeployed']).toMatchObject({
      count: 1,
      examples: ['d3'],
    });
    expect(d['deployment-commit-not-on-default-branch']).toMatchObject({
      count: 1,
      examples: ['d4'],
    });
    expect(d['deployment-commit-not-found']).toMatchObject({
      count: 2,
      examples: ['d5', 'd6'],
    });
    expect(d['deployment-commit-not-found'].problem).toMatch(/squash-merged/);
  });

  it('finds clock skew: a change merged after its deployment, events from the future', () => {
    const d = kinds(
      doraDiagnostics(
        {
          deployments: [
            deploy('d1', '2026-11-02T10:00:00Z', { commitSha: 'abc1' }),
          ],
          changes: [
            change('c1', '2026-11-02T12:00:00Z', { commitShas: ['abc1'] }),
          ],
          incidents: [],
          received: [
            {
              id: 'e1',
              occurredAt: '2026-11-03T12:00:00Z',
              receivedAt: '2026-11-03T10:00:00Z',
            },
            {
              id: 'e2',
              occurredAt: '2026-11-03T10:04:00Z',
              receivedAt: '2026-11-03T10:00:00Z',
            },
          ],
        },
        range,
      ),
    );
    expect(d['clock-skew-change-after-deployment']).toMatchObject({
      count: 1,
      examples: ['c1'],
      metrics: ['leadTime'],
    });
    // d1 is not also reported as deploying an unknown commit.
    expect(d['deployment-commit-not-found']).toBeUndefined();
    expect(d['clock-skew-future-events']).toMatchObject({
      count: 1,
      examples: ['e1'],
    });
  });

  it('reports incidents without deployment, resolutions without opening, unmapped events', () => {
    const d = kinds(
      doraDiagnostics(
        {
          deployments: [deploy('d1', '2026-11-02T10:00:00Z')],
          changes: [],
          incidents: [
            { id: 'i1', entityRef: A, openedAt: '2026-11-02T11:00:00Z' },
            { id: 'i2', entityRef: B, openedAt: '2026-11-02T11:00:00Z' },
            { id: 'i3', entityRef: A, openedAt: '2026-11-01T09:00:00Z' },
            {
              id: 'i4',
              entityRef: A,
              openedAt: '2026-11-01T09:00:00Z',
              environment: 'staging',
            },
            {
              id: 'i5',
              entityRef: A,
              openedAt: '2026-11-02T11:00:00Z',
              resolvedAt: '2026-11-02T10:59:00Z',
            },
          ],
          resolvedWithoutOpening: [
            { id: 'r1', entityRef: A, at: '2026-11-03T10:00:00Z' },
            { id: 'r0', entityRef: A, at: '2026-10-03T10:00:00Z' },
          ],
          unmapped: {
            count: 7,
            examples: ['generic:x1', 'generic:x2'],
            reasons: [{ reason: 'no entity for repository acme/x', events: 7 }],
          },
        },
        range,
      ),
    );
    expect(d['incident-without-deployment']).toMatchObject({
      count: 2,
      examples: ['i2', 'i3'],
      metrics: ['changeFailureRate'],
    });
    expect(d['clock-skew-resolved-before-opened']).toMatchObject({
      count: 1,
      examples: ['i5'],
      metrics: ['recoveryTime'],
    });
    expect(d['incident-resolved-without-opening']).toMatchObject({
      count: 1,
      examples: ['r1'],
      metrics: ['recoveryTime'],
    });
    expect(d['unmapped-events']).toMatchObject({
      count: 7,
      examples: ['generic:x1', 'generic:x2'],
    });
    expect(d['unmapped-events'].problem).toBe(
      '7 delivery events of the range map to no catalog entity and are counted nowhere (most often: no entity for repository acme/x).',
    );
    expect(d['rework-without-markers']).toMatchObject({ count: 1 });
  });

  it('reports deployments not to production and changes without commit times', () => {
    const d = kinds(
      doraDiagnostics(
        {
          deployments: [
            deploy('d1', '2026-11-02T10:00:00Z', { labels: ['x'] }),
            deploy('s1', '2026-11-02T10:00:00Z', { environment: 'prd' }),
            deploy('s2', '2026-11-02T11:00:00Z', { environment: 'prd' }),
            deploy('s3', '2026-11-02T11:00:00Z', { environment: 'staging' }),
          ],
          changes: [
            { id: 'c1', entityRef: A, mergedAt: '2026-11-02T09:00:00Z' },
          ],
          incidents: [],
        },
        range,
      ),
    );
    expect(d['deployment-not-production']).toMatchObject({
      count: 3,
      examples: ['s1', 's2', 's3'],
    });
    expect(d['deployment-not-production'].problem).toBe(
      '3 successful deployments went to an environment that is not production (prd ×2, staging ×1) and are not counted.',
    );
    expect(d['change-without-commit-times']).toMatchObject({
      count: 1,
      examples: ['c1'],
    });
    // A label is there: rework can be marked.
    expect(d['rework-without-markers']).toBeUndefined();
  });

  it('returns nothing when nothing is missing', () => {
    expect(
      doraDiagnostics(
        {
          deployments: [
            deploy('d1', '2026-11-02T10:00:00Z', {
              commitSha: 'abc1',
              branch: 'main',
            }),
          ],
          changes: [
            change('c1', '2026-11-02T09:00:00Z', { commitShas: ['abc1'] }),
          ],
          incidents: [],
        },
        range,
      ),
    ).toEqual([]);
  });

  it('gives the diagnostics of counts alone (roll-ups), without examples', () => {
    const d = diagnosticsFromCounts({
      deploymentFrequency: { excluded: { notProduction: 2 } },
      leadTime: { deploymentsWithoutChanges: 3, withoutCommitTimes: 0 },
      changeFailureRate: { incidentsWithoutDeployment: 1 },
      unlinked: { resolvedWithoutOpening: 0 },
    });
    expect(d.map(x => [x.kind, x.count, x.examples])).toEqual([
      ['deployment-not-production', 2, []],
      ['deployment-without-change', 3, []],
      ['incident-without-deployment', 1, []],
    ]);
  });
});

describe('rework markers in the normalisers', () => {
  it('reads labels and branch of the generic format', () => {
    const r = normalizeGenericEvent({
      id: 'x',
      type: 'deployment',
      action: 'deployed',
      timestamp: '2026-11-02T10:00:00Z',
      entityRef: A,
      labels: [' hotfix ', 'hotfix', ''],
      branch: 'refs/heads/hotfix/login',
    });
    expect(r).toMatchObject({
      ok: true,
      event: { labels: ['hotfix'], branch: 'hotfix/login' },
    });
    expect(r.ok && r.ignoredFields).toBeFalsy();
    const bad = normalizeGenericEvent({
      id: 'x',
      type: 'deployment',
      action: 'deployed',
      timestamp: '2026-11-02T10:00:00Z',
      entityRef: A,
      labels: 'hotfix',
    });
    expect(bad.ok).toBe(false);
  });

  it('reads pull request labels, head branch and the incident it fixes; the deployed ref', () => {
    const pr = normalizeGithubWebhook(
      'pull_request',
      {
        action: 'closed',
        number: 7,
        pull_request: {
          title: 'Fix login',
          body: 'This fixes #12 for good.',
          merged: true,
          merged_at: '2026-11-02T10:00:00Z',
          updated_at: '2026-11-02T10:00:00Z',
          merge_commit_sha: 'abcdef1',
          head: { sha: '1234567', ref: 'hotfix/login' },
          base: { ref: 'main' },
          labels: [{ name: 'hotfix' }, { name: 'bug' }],
        },
        repository: { full_name: 'acme/a', default_branch: 'main' },
      },
      'd-1',
    );
    expect(pr).toMatchObject({
      ok: true,
      event: {
        kind: 'change',
        action: 'merged',
        labels: ['hotfix', 'bug'],
        branch: 'hotfix/login',
        incidentId: '12',
      },
    });
    const deployment = normalizeGithubWebhook(
      'deployment_status',
      {
        deployment_status: {
          id: 1,
          state: 'success',
          created_at: '2026-11-02T11:00:00Z',
        },
        deployment: {
          id: 2,
          sha: 'abcdef1',
          ref: 'hotfix/login',
          environment: 'production',
          created_at: '2026-11-02T10:30:00Z',
        },
        repository: { full_name: 'acme/a' },
      },
      'd-2',
    );
    expect(deployment).toMatchObject({
      ok: true,
      event: { branch: 'hotfix/login' },
    });
    const bySha = normalizeGithubWebhook(
      'deployment',
      {
        deployment: {
          id: 3,
          sha: 'abcdef1',
          ref: 'abcdef1',
          environment: 'production',
          created_at: '2026-11-02T10:30:00Z',
        },
        repository: { full_name: 'acme/a' },
      },
      'd-2',
    );
    expect(bySha.ok && bySha.event.branch).toBeUndefined();
  });

  it('reads customData.labels and customData.branch of CDEvents', () => {
    const r = normalizeCdEvent({
      context: {
        version: '0.4.1',
        id: '1',
        source: 'ci',
        type: 'dev.cdevents.service.deployed.0.2.0',
        timestamp: '2026-11-02T10:00:00Z',
      },
      subject: {
        id: 'checkout',
        content: { environment: { id: 'production' }, artifactId: 'x' },
      },
      customData: { labels: ['rework', 3], branch: 'hotfix/a' },
    });
    expect(r).toMatchObject({
      ok: true,
      event: { labels: ['rework'], branch: 'hotfix/a' },
    });
  });
});
