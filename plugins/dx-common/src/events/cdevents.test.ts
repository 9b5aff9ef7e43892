import { normalizeCdEvent } from './cdevents';
import type { NormalizeResult } from './types';

/** A CDEvents 0.5 event (context.specversion, no subject.type). */
function cdevent(
  type: string,
  content: Record<string, unknown> = {},
  more: {
    context?: Record<string, unknown>;
    subject?: Record<string, unknown>;
    top?: Record<string, unknown>;
  } = {},
) {
  return {
    context: {
      specversion: '0.5.1',
      id: 'evt-1',
      source: '/deployer/prod',
      type,
      timestamp: '2024-05-01T12:00:00+02:00',
      ...more.context,
    },
    subject: {
      id: 'checkout',
      source: '/deployer/prod',
      content,
      ...more.subject,
    },
    ...more.top,
  };
}

/** A CDEvents 0.4 event (context.version, subject.type). */
function cdevent04(
  type: string,
  subjectType: string,
  content: Record<string, unknown> = {},
) {
  const e = cdevent(type, content, { subject: { type: subjectType } });
  const { specversion, ...context } = e.context;
  return { ...e, context: { ...context, version: '0.4.1' } };
}

const reasonOf = (r: NormalizeResult) => (r.ok ? undefined : r.reason);
const env = { environment: { id: 'production' } };

describe('normalizeCdEvent', () => {
  describe('service events → deployment', () => {
    it('service.deployed: service, environment, success, UTC time, key', () => {
      const r = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', {
          environment: { id: 'production', source: '/k8s/eu-1' },
          artifactId: 'pkg:oci/checkout@sha256%3Aabc',
        }),
      );
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'cdevents:/deployer/prod:evt-1',
          source: 'cdevents',
          type: 'dev.cdevents.service.deployed.0.3.0',
          kind: 'deployment',
          action: 'deployed',
          occurredAt: '2024-05-01T10:00:00.000Z',
          subject: { service: 'checkout' },
          environment: 'production',
          outcome: 'success',
          title: 'pkg:oci/checkout@sha256%3Aabc',
        },
      });
    });

    it.each([
      ['upgraded', 'success'],
      ['rolledback', undefined],
      ['removed', undefined],
      ['published', undefined],
    ])('service.%s has outcome %s', (predicate, outcome) => {
      const r = normalizeCdEvent(
        cdevent(`dev.cdevents.service.${predicate}.0.3.0`, env),
      );
      expect(r).toMatchObject({
        ok: true,
        event: { kind: 'deployment', action: predicate },
      });
      expect(r.ok && r.event.outcome).toBe(outcome);
    });

    it('service.removed and service.published need no environment', () => {
      for (const predicate of ['removed', 'published']) {
        const r = normalizeCdEvent(
          cdevent(`dev.cdevents.service.${predicate}.0.3.0`),
        );
        expect(r).toMatchObject({ ok: true, event: { kind: 'deployment' } });
      }
    });

    it('service.deployed without an environment is refused, saying where', () => {
      expect(
        reasonOf(
          normalizeCdEvent(cdevent('dev.cdevents.service.deployed.0.3.0')),
        ),
      ).toBe('subject.content.environment: missing');
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent('dev.cdevents.service.deployed.0.3.0', { environment: {} }),
          ),
        ),
      ).toBe('subject.content.environment.id: missing');
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent('dev.cdevents.service.upgraded.0.3.0', {
              environment: { id: '' },
            }),
          ),
        ),
      ).toBe('subject.content.environment.id: empty');
    });
  });

  describe('change events → change', () => {
    it.each(['created', 'updated', 'reviewed', 'merged', 'abandoned'])(
      'change.%s',
      predicate => {
        const r = normalizeCdEvent(
          cdevent(`dev.cdevents.change.${predicate}.0.3.0`, {
            repository: { id: 'acme/checkout', source: 'https://github.com' },
          }),
        );
        expect(r).toMatchObject({
          ok: true,
          event: {
            kind: 'change',
            action: predicate,
            changeId: 'checkout',
            subject: { repository: 'acme/checkout' },
          },
        });
      },
    );

    it('repository is owner/name when both are given, else the id or the name', () => {
      const repo = (repository: Record<string, unknown>) => {
        const r = normalizeCdEvent(
          cdevent('dev.cdevents.change.merged.0.3.0', { repository }),
        );
        return r.ok ? r.event.subject.repository : r.reason;
      };
      expect(repo({ id: 'r-1', owner: 'acme', name: 'checkout' })).toBe(
        'acme/checkout',
      );
      expect(repo({ id: 'r-1', name: 'checkout' })).toBe('r-1');
      expect(repo({ name: 'checkout' })).toBe('checkout');
      expect(repo({ id: 42 })).toBe(
        'subject.content.repository.id: expected string, got number',
      );
    });

    it('the description is the title; no repository is fine', () => {
      const r = normalizeCdEvent(
        cdevent('dev.cdevents.change.created.0.4.0', {
          description: 'Fix the basket total',
        }),
      );
      expect(r).toMatchObject({
        ok: true,
        event: { title: 'Fix the basket total', subject: {} },
      });
    });

    it('reads 0.4 events (context.version, subject.type)', () => {
      const r = normalizeCdEvent(
        cdevent04('dev.cdevents.change.merged.0.2.0', 'change', {
          repository: { id: 'acme/checkout' },
        }),
      );
      expect(r).toMatchObject({
        ok: true,
        event: { kind: 'change', action: 'merged' },
      });
    });
  });

  describe('incident events → incident', () => {
    it.each(['detected', 'reported', 'resolved'])('incident.%s', predicate => {
      const r = normalizeCdEvent(
        cdevent(
          `dev.cdevents.incident.${predicate}.0.3.0`,
          {
            description: 'Checkout answers 500',
            environment: { id: 'production' },
            service: { id: 'checkout-api' },
            artifactId: 'pkg:oci/checkout@sha256%3Aabc',
            ticketURI: 'https://tickets.example/1',
          },
          { subject: { id: 'inc-7' } },
        ),
      );
      expect(r).toEqual({
        ok: true,
        event: {
          key: 'cdevents:/deployer/prod:evt-1',
          source: 'cdevents',
          type: `dev.cdevents.incident.${predicate}.0.3.0`,
          kind: 'incident',
          action: predicate,
          occurredAt: '2024-05-01T10:00:00.000Z',
          subject: { service: 'checkout-api' },
          environment: 'production',
          incidentId: 'inc-7',
          title: 'Checkout answers 500',
        },
      });
    });

    it('an incident without an environment is refused', () => {
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent('dev.cdevents.incident.detected.0.3.0', {
              service: { id: 'x' },
            }),
          ),
        ),
      ).toBe('subject.content.environment: missing');
    });
  });

  describe('build and pipelinerun events → build', () => {
    it.each([
      ['build', 'queued'],
      ['build', 'started'],
      ['build', 'finished'],
      ['pipelinerun', 'queued'],
      ['pipelinerun', 'started'],
      ['pipelinerun', 'finished'],
    ])('%s.%s', (subject, predicate) => {
      const r = normalizeCdEvent(
        cdevent(`dev.cdevents.${subject}.${predicate}.0.3.0`),
      );
      expect(r).toMatchObject({
        ok: true,
        event: { kind: 'build', action: predicate },
      });
    });

    it.each([
      ['success', 'success'],
      ['failure', 'failure'],
      ['error', 'error'],
      ['cancel', 'cancelled'],
      ['cancelled', 'cancelled'],
      ['something else', undefined],
    ])('outcome %s is %s', (outcome, expected) => {
      const r = normalizeCdEvent(
        cdevent('dev.cdevents.pipelinerun.finished.0.3.0', {
          pipelineName: 'release',
          outcome,
        }),
      );
      expect(r).toMatchObject({ ok: true, event: { title: 'release' } });
      expect(r.ok && r.event.outcome).toBe(expected);
    });
  });

  describe('other CDEvents types → other', () => {
    it.each([
      ['artifact', 'published', {}],
      ['artifact', 'signed', { signature: 'MEYC' }],
      ['branch', 'created', { repository: { id: 'acme/checkout' } }],
      ['repository', 'modified', {}],
      ['environment', 'created', { name: 'prod' }],
      ['taskrun', 'finished', { outcome: 'failure' }],
      ['testcaserun', 'skipped', {}],
      ['testsuiterun', 'finished', { outcome: 'failure', ...env }],
      ['testoutput', 'published', { outputType: 'video', format: 'x' }],
      ['ticket', 'closed', { uri: 'https://t.example/1' }],
    ])('%s.%s', (subject, predicate, content) => {
      const r = normalizeCdEvent(
        cdevent(`dev.cdevents.${subject}.${predicate}.0.2.0`, content),
      );
      expect(r).toMatchObject({
        ok: true,
        event: { kind: 'other', action: predicate },
      });
      expect(r.ok && r.event.outcome).toBeUndefined();
    });

    it('keeps the repository and the environment they name', () => {
      const branch = normalizeCdEvent(
        cdevent('dev.cdevents.branch.deleted.0.3.0', {
          repository: { id: 'acme/checkout' },
        }),
      );
      expect(branch).toMatchObject({
        ok: true,
        event: { subject: { repository: 'acme/checkout' } },
      });
      const repository = normalizeCdEvent(
        cdevent('dev.cdevents.repository.created.0.3.0', {
          name: 'checkout',
          owner: 'acme',
          uri: 'https://github.com/acme/checkout',
        }),
      );
      expect(repository).toMatchObject({
        ok: true,
        event: { subject: { repository: 'acme/checkout' } },
      });
      const test = normalizeCdEvent(
        cdevent('dev.cdevents.testcaserun.started.0.3.0', env),
      );
      expect(test).toMatchObject({
        ok: true,
        event: { environment: 'production' },
      });
    });

    it('reads 0.3 testing events (testcase, testsuite)', () => {
      const e = cdevent04('dev.cdevents.testcase.started.0.1.0', 'testCase');
      const r = normalizeCdEvent({
        ...e,
        context: { ...e.context, version: '0.3.0' },
      });
      expect(r).toMatchObject({
        ok: true,
        event: { kind: 'other', action: 'started' },
      });
      expect(
        normalizeCdEvent(cdevent('dev.cdevents.testsuite.finished.0.1.0')).ok,
      ).toBe(true);
    });
  });

  describe('customData.backstage.entityRef', () => {
    it('becomes subject.entityRef', () => {
      const r = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', env, {
          top: {
            customData: {
              backstage: { entityRef: 'component:default/checkout' },
              other: 1,
            },
            customDataContentType: 'application/json',
          },
        }),
      );
      expect(r).toMatchObject({
        ok: true,
        event: {
          subject: {
            entityRef: 'component:default/checkout',
            service: 'checkout',
          },
        },
      });
    });

    it('other custom data, also base64 strings, is ignored', () => {
      for (const customData of [
        'eyJhIjoxfQ==',
        { severity: 'high' },
        { backstage: {} },
      ]) {
        const r = normalizeCdEvent(
          cdevent('dev.cdevents.service.deployed.0.3.0', env, {
            top: { customData },
          }),
        );
        expect(r).toMatchObject({
          ok: true,
          event: { subject: { service: 'checkout' } },
        });
        expect(r.ok && r.event.subject.entityRef).toBeUndefined();
      }
    });

    it('a non-string or malformed entity ref is refused', () => {
      const reason = (entityRef: unknown) =>
        reasonOf(
          normalizeCdEvent(
            cdevent('dev.cdevents.service.deployed.0.3.0', env, {
              top: { customData: { backstage: { entityRef } } },
            }),
          ),
        );
      expect(reason(7)).toBe(
        'customData.backstage.entityRef: expected string, got number',
      );
      expect(reason('component: checkout')).toMatch(
        /^customData\.backstage\.entityRef: not an entity ref/,
      );
    });
  });

  describe('idempotency key', () => {
    it('is cdevents:<source>:<id>, the same for the same event', () => {
      const a = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', env),
      );
      const again = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', env),
      );
      const other = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', env, {
          context: { id: 'evt-2' },
        }),
      );
      const elsewhere = normalizeCdEvent(
        cdevent('dev.cdevents.service.deployed.0.3.0', env, {
          context: { source: '/deployer/staging' },
        }),
      );
      const keys = [a, again, other, elsewhere].map(r => r.ok && r.event.key);
      expect(keys).toEqual([
        'cdevents:/deployer/prod:evt-1',
        'cdevents:/deployer/prod:evt-1',
        'cdevents:/deployer/prod:evt-2',
        'cdevents:/deployer/staging:evt-1',
      ]);
    });
  });

  describe('refusals', () => {
    const deployed = 'dev.cdevents.service.deployed.0.3.0';

    it.each([
      [null, 'not an object'],
      [[], 'not an object'],
      ['{"context":{}}', 'not an object'],
      [{ subject: {} }, 'context: missing'],
      [{ context: 'x', subject: {} }, 'context: expected an object'],
      [{ context: { type: deployed } }, 'subject: missing'],
      [
        { context: { type: deployed }, subject: [] },
        'subject: expected an object',
      ],
      [{ context: {}, subject: {} }, 'context.type: missing'],
    ])('%j: %s', (payload, reason) => {
      expect(reasonOf(normalizeCdEvent(payload))).toMatch(
        new RegExp(`^${reason.replace(/[.]/g, '\\.')}`),
      );
    });

    it('a type that is not a CDEvents type', () => {
      expect(reasonOf(normalizeCdEvent(cdevent('com.example.deployed')))).toBe(
        'context.type: "com.example.deployed" is not a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>)',
      );
      expect(
        reasonOf(normalizeCdEvent(cdevent('dev.cdevents.service.deployed'))),
      ).toMatch(/is not a CDEvents type/);
      expect(
        reasonOf(
          normalizeCdEvent(cdevent('dev.cdeventsx.acme-rocket.launched.0.1.0')),
        ),
      ).toBe(
        'context.type: "dev.cdeventsx.acme-rocket.launched.0.1.0" is a custom CDEvents type, not read by DX metrics',
      );
    });

    it('an unknown subject or predicate, saying which', () => {
      expect(
        reasonOf(
          normalizeCdEvent(cdevent('dev.cdevents.rocket.launched.0.1.0')),
        ),
      ).toMatch(
        /^context\.type: "rocket" is not a CDEvents subject \(pipelinerun, /,
      );
      expect(
        reasonOf(
          normalizeCdEvent(cdevent('dev.cdevents.service.exploded.0.1.0')),
        ),
      ).toBe(
        'context.type: service.exploded is not a CDEvents event (service: deployed, upgraded, rolledback, removed, published)',
      );
      expect(
        reasonOf(
          normalizeCdEvent(cdevent('dev.cdevents.change.deployed.0.1.0')),
        ),
      ).toBe(
        'context.type: change.deployed is not a CDEvents event (change: created, reviewed, merged, abandoned, updated)',
      );
    });

    it('a spec version that is not 0.x, or none', () => {
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent(deployed, env, { context: { specversion: '1.0.0' } }),
          ),
        ),
      ).toBe(
        'context.specversion: "1.0.0" is not a supported CDEvents spec version (0.x)',
      );
      const e = cdevent(deployed, env);
      const { specversion, ...noVersion } = e.context;
      expect(reasonOf(normalizeCdEvent({ ...e, context: noVersion }))).toBe(
        'context.specversion: missing (context.version in CDEvents 0.3 and 0.4)',
      );
      expect(
        reasonOf(
          normalizeCdEvent({ ...e, context: { ...noVersion, version: 4 } }),
        ),
      ).toBe('context.version: expected a string');
    });

    it('a bad or too early timestamp', () => {
      const at = (timestamp: unknown) =>
        reasonOf(
          normalizeCdEvent(cdevent(deployed, env, { context: { timestamp } })),
        );
      expect(at('yesterday')).toBe(
        'context.timestamp: "yesterday" is not an ISO 8601 time with a UTC offset (e.g. 2024-05-01T12:00:00Z)',
      );
      expect(at('2024-05-01T12:00:00')).toMatch(/^context\.timestamp: /);
      expect(at('1999-12-31T23:59:59Z')).toBe(
        'context.timestamp: "1999-12-31T23:59:59Z" is before 2000-01-01: refused',
      );
      expect(at(undefined)).toBe('context.timestamp: missing');
      expect(at(1714557600)).toBe(
        'context.timestamp: expected string, got number',
      );
    });

    it('missing ids', () => {
      const e = cdevent(deployed, env, {
        context: { id: '' },
        subject: { id: undefined },
      });
      expect(reasonOf(normalizeCdEvent(e))).toBe(
        'context.id: empty; subject.id: missing',
      );
    });

    it('a subject.type that contradicts context.type', () => {
      const r = normalizeCdEvent(
        cdevent(deployed, env, { subject: { type: 'incident' } }),
      );
      expect(reasonOf(r)).toBe(
        'subject.type: "incident" does not match context.type (service)',
      );
    });

    it('strings over 64 KiB in the fields read, over-long key parts', () => {
      const huge = 'x'.repeat(64 * 1024 + 1);
      expect(
        reasonOf(
          normalizeCdEvent(cdevent(deployed, { environment: { id: huge } })),
        ),
      ).toBe('subject.content.environment.id: longer than 64 KiB');
      // 22,000 three-byte characters are 66,000 bytes of UTF-8.
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent('dev.cdevents.change.created.0.3.0', {
              description: '€'.repeat(22_000),
            }),
          ),
        ),
      ).toBe('subject.content.description: longer than 64 KiB');
      expect(
        reasonOf(
          normalizeCdEvent(
            cdevent(deployed, env, { context: { id: 'i'.repeat(1001) } }),
          ),
        ),
      ).toBe(
        'context.id: longer than 1000 characters (it is part of the idempotency key)',
      );
      // Fields not read may be long.
      expect(
        normalizeCdEvent(
          cdevent(
            deployed,
            { ...env, notRead: huge },
            { top: { customData: huge } },
          ),
        ).ok,
      ).toBe(true);
    });
  });
});
