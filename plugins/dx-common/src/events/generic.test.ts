import {
  GENERIC_EVENT_ACTIONS,
  genericEventSchema,
  normalizeGenericEvent,
} from './generic';
import type { NormalizeResult } from './types';

const base = {
  id: 'deploy-2024-05-01-1',
  type: 'deployment',
  action: 'deployed',
  timestamp: '2024-05-01T12:00:00+02:00',
  entityRef: 'component:default/checkout',
};
const reasonOf = (r: NormalizeResult) => (r.ok ? undefined : r.reason);

describe('normalizeGenericEvent', () => {
  it('reads every field', () => {
    const r = normalizeGenericEvent({
      ...base,
      repository: 'acme/checkout',
      service: 'checkout',
      environment: 'production',
      outcome: 'failure',
      commitSha: 'ABCDEF1234567',
      commits: [
        { sha: 'abcdef1234567', at: '2024-05-01T09:00:00-05:00' },
        { sha: '1234567' },
      ],
      changeId: 42,
      incidentId: 'INC-7',
      deploymentId: 'd-1',
      actor: 'jane@example.com',
      title: 'Release 1.2',
    });
    expect(r).toEqual({
      ok: true,
      event: {
        key: 'generic:deploy-2024-05-01-1',
        source: 'generic',
        type: 'generic.deployment',
        kind: 'deployment',
        action: 'deployed',
        occurredAt: '2024-05-01T10:00:00.000Z',
        subject: {
          entityRef: 'component:default/checkout',
          repository: 'acme/checkout',
          service: 'checkout',
        },
        environment: 'production',
        outcome: 'failure',
        commitSha: 'abcdef1234567',
        commits: [
          { sha: 'abcdef1234567', at: '2024-05-01T14:00:00.000Z' },
          { sha: '1234567' },
        ],
        changeId: '42',
        incidentId: 'INC-7',
        deploymentId: 'd-1',
        actor: 'jane@example.com',
        title: 'Release 1.2',
      },
    });
  });

  it.each(
    Object.entries(GENERIC_EVENT_ACTIONS).flatMap(([type, actions]) =>
      actions.map(action => [type, action]),
    ),
  )('%s %s is accepted', (type, action) => {
    const r = normalizeGenericEvent({ ...base, type, action });
    expect(r).toMatchObject({ ok: true, event: { kind: type, action } });
  });

  it('a deployment deployed or upgraded without outcome succeeded; others have none', () => {
    const outcome = (type: string, action: string) => {
      const r = normalizeGenericEvent({ ...base, type, action });
      return r.ok ? r.event.outcome : r.reason;
    };
    expect(outcome('deployment', 'deployed')).toBe('success');
    expect(outcome('deployment', 'upgraded')).toBe('success');
    expect(outcome('deployment', 'rolledback')).toBeUndefined();
    expect(outcome('build', 'finished')).toBeUndefined();
  });

  it('an action of another type is refused, naming the allowed ones', () => {
    expect(
      reasonOf(
        normalizeGenericEvent({ ...base, type: 'change', action: 'deployed' }),
      ),
    ).toBe(
      'action: "deployed" is not a change action (created, updated, reviewed, merged, abandoned)',
    );
    expect(
      reasonOf(
        normalizeGenericEvent({ ...base, type: 'incident', action: 'opened' }),
      ),
    ).toBe(
      'action: "opened" is not an incident action (detected, reported, resolved)',
    );
  });

  it('an unknown type is refused, naming the allowed types', () => {
    expect(reasonOf(normalizeGenericEvent({ ...base, type: 'release' }))).toBe(
      'type: "release" is not an event type (change, deployment, incident, build)',
    );
  });

  it.each([
    [{ id: undefined }, 'id: missing'],
    [{ id: '' }, 'id: empty'],
    [{ id: 'i'.repeat(201) }, 'id: longer than 200 characters'],
    [{ type: undefined }, 'type: missing'],
    [{ action: undefined }, 'action: missing'],
    [{ timestamp: undefined }, 'timestamp: missing'],
    [
      { timestamp: '2024-05-01T12:00:00' },
      'timestamp: "2024-05-01T12:00:00" is not an ISO 8601 time with a UTC offset (e.g. 2024-05-01T12:00:00Z)',
    ],
    [
      { timestamp: '1999-05-01T12:00:00Z' },
      'timestamp: "1999-05-01T12:00:00Z" is before 2000-01-01: refused',
    ],
    [
      { entityRef: undefined },
      'needs entityRef, repository or service (what the event is about)',
    ],
    [
      { entityRef: 'component: checkout' },
      'entityRef: not an entity ref (kind:namespace/name, e.g. component:default/checkout)',
    ],
    [{ repository: 'checkout' }, 'repository: expected owner/name'],
    [
      { outcome: 'ok' },
      'outcome: "ok" is not an outcome (success, failure, error, cancelled)',
    ],
    [{ commitSha: 'main' }, 'commitSha: not a commit SHA (7 to 64 hex digits)'],
    [
      { commits: [{ sha: 'abcdef1', at: 'now' }] },
      'commits[0].at: "now" is not an ISO 8601 time with a UTC offset (e.g. 2024-05-01T12:00:00Z)',
    ],
    [{ commits: 'abcdef1' }, 'commits: expected array, got string'],
    [
      { changeId: -1 },
      'changeId: expected a non-negative integer or a string of 1 to 200 characters',
    ],
    [{ title: 't'.repeat(501) }, 'title: longer than 500 characters'],
    [
      { environment: 'e'.repeat(64 * 1024 + 1) },
      'environment: longer than 64 KiB',
    ],
  ])('%j is refused: %s', (change, reason) => {
    expect(reasonOf(normalizeGenericEvent({ ...base, ...change }))).toBe(
      reason,
    );
  });

  it('refuses more than 1000 commits, saying so', () => {
    const commits = Array.from({ length: 1500 }, () => ({ sha: 'abcdef1' }));
    expect(reasonOf(normalizeGenericEvent({ ...base, commits }))).toBe(
      'commits: 1500 commits, more than 1000: refused',
    );
    const max = Array.from({ length: 1000 }, () => ({ sha: 'abcdef1' }));
    expect(normalizeGenericEvent({ ...base, commits: max }).ok).toBe(true);
  });

  it('refuses what is not an object', () => {
    for (const payload of [null, 'x', 3, [base]])
      expect(reasonOf(normalizeGenericEvent(payload))).toBe(
        'not an object: a generic event is a JSON object with id, type, action and timestamp',
      );
  });

  it('accepts unknown fields, and lists them', () => {
    const r = normalizeGenericEvent({
      ...base,
      deployedBy: 'jane',
      commits: [{ sha: 'abcdef1', author: 'jane' }],
    });
    expect(r).toMatchObject({
      ok: true,
      ignoredFields: ['deployedBy', 'commits[0].author'],
    });
    expect(normalizeGenericEvent(base)).not.toHaveProperty('ignoredFields');
  });

  it('the key is generic:<id>, the same for a resent event', () => {
    const a = normalizeGenericEvent(base);
    const b = normalizeGenericEvent({ ...base, title: 'resent' });
    expect(a.ok && a.event.key).toBe('generic:deploy-2024-05-01-1');
    expect(b.ok && b.event.key).toBe('generic:deploy-2024-05-01-1');
  });

  it('genericEventSchema is the exported format', () => {
    expect(genericEventSchema.safeParse(base).success).toBe(true);
    expect(
      genericEventSchema.safeParse({ ...base, type: 'release' }).success,
    ).toBe(false);
  });
});
