import { normalizeEvent } from './normalize';

describe('normalizeEvent', () => {
  it('dispatches to the three formats', () => {
    const cdevents = normalizeEvent({
      format: 'cdevents',
      payload: {
        context: {
          specversion: '0.5.1',
          id: '1',
          source: '/ci',
          type: 'dev.cdevents.build.started.0.3.0',
          timestamp: '2024-05-01T10:00:00Z',
        },
        subject: { id: 'b-1', content: {} },
      },
    });
    expect(cdevents).toMatchObject({
      ok: true,
      event: { source: 'cdevents', kind: 'build', key: 'cdevents:/ci:1' },
    });

    const github = normalizeEvent({
      format: 'github',
      githubEvent: 'ping',
      deliveryId: 'd-1',
      payload: { hook_id: 1, hook: { created_at: '2024-05-01T10:00:00Z' } },
    });
    expect(github).toMatchObject({
      ok: true,
      event: { source: 'github', key: 'github:ping:1', action: 'ping' },
    });

    const generic = normalizeEvent({
      format: 'generic',
      payload: {
        id: 'x',
        type: 'incident',
        action: 'resolved',
        timestamp: '2024-05-01T10:00:00Z',
        service: 'checkout',
      },
    });
    expect(generic).toMatchObject({
      ok: true,
      event: { source: 'generic', kind: 'incident', key: 'generic:x' },
    });
  });

  it('passes the GitHub options on', () => {
    const r = normalizeEvent({
      format: 'github',
      githubEvent: 'issues',
      githubOptions: { incidentLabels: ['outage'] },
      payload: {
        action: 'opened',
        issue: {
          number: 1,
          labels: [{ name: 'outage' }],
          created_at: '2024-05-01T10:00:00Z',
        },
        repository: { full_name: 'acme/checkout' },
      },
    });
    expect(r).toMatchObject({
      ok: true,
      event: { kind: 'incident', action: 'reported' },
    });
  });

  it('refuses GitHub payloads without the event name, and unknown formats', () => {
    expect(normalizeEvent({ format: 'github', payload: {} })).toEqual({
      ok: false,
      reason: 'githubEvent: missing (the X-GitHub-Event header)',
    });
    expect(
      normalizeEvent({ format: 'gitlab' as 'github', payload: {} }),
    ).toEqual({
      ok: false,
      reason:
        'format: "gitlab" is not an event format (cdevents, github, generic)',
    });
  });
});
