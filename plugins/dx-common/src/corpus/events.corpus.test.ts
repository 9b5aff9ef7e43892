import fs from 'node:fs';
import path from 'node:path';
import {
  GITHUB_DX_EVENTS,
  normalizeCdEvent,
  normalizeGithubWebhook,
} from '../events';
import type { DxEventKind, NormalizeResult } from '../events';

// Corpus suite: the CDEvents specification's conformance examples (v0.4.1
// and v0.5.1) and octokit's GitHub webhook payload examples. Every
// CDEvents example is accepted (none has to be refused: each one validates
// against its version's schema); every payload of the events the DX
// metrics read is accepted, and every other event is refused as not used.
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
);

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return jsonFiles(p);
    return e.name.endsWith('.json') ? [p] : [];
  });
}

const read = (file: string): unknown =>
  JSON.parse(fs.readFileSync(file, 'utf8'));

/** The result with the file name, so a failure names the file. */
const named = (file: string, r: NormalizeResult) => ({
  file: path.relative(corpus, file),
  ok: r.ok,
  reason: r.ok ? undefined : r.reason,
});

describe('corpus: CDEvents conformance examples', () => {
  const versions = ['v0.4.1', 'v0.5.1'];

  it.each(versions)('accepts every %s example', version => {
    const files = jsonFiles(
      path.join(corpus, 'cdevents', version, 'conformance'),
    );
    expect(files.length).toBeGreaterThanOrEqual(30);
    const kinds: Partial<Record<DxEventKind, number>> = {};
    for (const file of files) {
      const r = normalizeCdEvent(read(file));
      expect(named(file, r)).toEqual({
        file: path.relative(corpus, file),
        ok: true,
        reason: undefined,
      });
      if (!r.ok) continue;
      kinds[r.event.kind] = (kinds[r.event.kind] ?? 0) + 1;
      // The action is the predicate of the type, the time is in UTC.
      const predicate = path.basename(file, '.json').split('_')[1];
      expect([file, r.event.action]).toEqual([file, predicate]);
      expect(r.event.occurredAt).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
      );
      expect(r.event.key).toMatch(/^cdevents:\/.+:.+$/);
    }
    // 4 change, 4 service, 2 incident, 2 build + 2 pipelinerun, 20 other.
    expect(kinds).toEqual({
      change: 4,
      deployment: 4,
      incident: 2,
      build: 4,
      other: 20,
    });
    // eslint-disable-next-line no-console
    console.log(`CDEvents ${version}: ${JSON.stringify(kinds)}`);
  });

  it('maps the deployment and incident examples field by field', () => {
    for (const version of versions) {
      const dir = path.join(corpus, 'cdevents', version, 'conformance');
      const deployed = normalizeCdEvent(
        read(path.join(dir, 'service_deployed.json')),
      );
      expect(deployed).toMatchObject({
        ok: true,
        event: {
          kind: 'deployment',
          action: 'deployed',
          outcome: 'success',
          environment: 'test123',
          subject: { service: 'mySubject123' },
          occurredAt: '2023-03-20T14:27:05.315Z',
        },
      });
      const incident = normalizeCdEvent(
        read(path.join(dir, 'incident_reported.json')),
      );
      expect(incident).toMatchObject({
        ok: true,
        event: {
          kind: 'incident',
          action: 'reported',
          incidentId: 'incident-123',
          environment: 'prod1',
          subject: { service: 'myApp' },
          key: 'cdevents:/monitoring/prod1:F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708',
        },
      });
      const run = normalizeCdEvent(
        read(path.join(dir, 'pipelinerun_finished.json')),
      );
      expect(run).toMatchObject({
        ok: true,
        event: { kind: 'build', action: 'finished', outcome: 'failure' },
      });
    }
  });
});

describe('corpus: GitHub webhook payloads', () => {
  const root = path.join(corpus, 'github-webhooks');
  const files = jsonFiles(root);
  const eventOf = (file: string) => path.basename(path.dirname(file));
  const used = new Set<string>([...GITHUB_DX_EVENTS, 'ping']);

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it('accepts every payload of the events read, refuses the others as not used', () => {
    const summary: Record<string, Record<string, number>> = {};
    for (const file of files) {
      const event = eventOf(file);
      const r = normalizeGithubWebhook(event, read(file), 'delivery-1');
      const expected = used.has(event)
        ? { ok: true, reason: undefined }
        : {
            ok: false,
            reason: `GitHub event "${event}" is not used by DX metrics (push, pull_request, deployment, deployment_status, workflow_run, issues)`,
          };
      expect(named(file, r)).toEqual({
        file: path.relative(corpus, file),
        ...expected,
      });
      const label = r.ok ? `${r.event.kind}/${r.event.action}` : 'refused';
      summary[event] ??= {};
      summary[event][label] = (summary[event][label] ?? 0) + 1;
    }
    // All four push examples delete a tag; the closed pull requests were
    // not merged; no example issue carries the `incident` label.
    expect(summary.push).toEqual({ 'other/pushed': 4 });
    expect(summary.pull_request).toEqual({
      'change/created': 2,
      'change/abandoned': 3,
      'change/updated': 5,
    });
    expect(summary.deployment).toEqual({ 'deployment/requested': 2 });
    expect(summary.deployment_status).toEqual({ 'deployment/deployed': 2 });
    expect(summary.workflow_run).toEqual({
      'build/started': 2,
      'build/finished': 1,
    });
    expect(summary.issues).toEqual({
      'other/assigned': 1,
      'other/deleted': 1,
      'other/edited': 1,
      'other/labeled': 1,
      'other/opened': 1,
      'other/reopened': 1,
      'other/unlabeled': 1,
    });
    expect(summary.ping).toEqual({ 'other/ping': 2 });
    // eslint-disable-next-line no-console
    console.log(`GitHub webhooks: ${JSON.stringify(summary)}`);
  });

  it('reads the issue examples as incidents when their label is an incident label', () => {
    for (const file of files.filter(f => eventOf(f) === 'issues')) {
      const r = normalizeGithubWebhook('issues', read(file), undefined, {
        incidentLabels: ['Bug'],
      });
      const action = path.basename(file).split('.')[0];
      const expected: Record<string, string> = {
        opened: 'incident/reported',
        reopened: 'incident/reported',
        labeled: 'incident/reported',
      };
      expect([
        action,
        r.ok ? `${r.event.kind}/${r.event.action}` : r.reason,
      ]).toEqual([action, expected[action] ?? `other/${action}`]);
    }
  });

  it('maps the deployment status and workflow run examples field by field', () => {
    const status = normalizeGithubWebhook(
      'deployment_status',
      read(path.join(root, 'api.github.com/deployment_status/payload.json')),
    );
    expect(status).toEqual({
      ok: true,
      event: {
        key: 'github:deployment_status:209916254',
        source: 'github',
        type: 'github.deployment_status.created',
        kind: 'deployment',
        action: 'deployed',
        outcome: 'success',
        occurredAt: '2019-05-15T15:20:55.000Z',
        subject: { repository: 'Codertocat/Hello-World' },
        environment: 'production',
        commitSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
        deploymentId: '145988746',
        actor: 'Codertocat',
        // The deployment's ref: the branch deployed (for the rework rate).
        branch: 'master',
      },
    });
    const run = normalizeGithubWebhook(
      'workflow_run',
      read(
        path.join(root, 'api.github.com/workflow_run/completed.payload.json'),
      ),
    );
    expect(run).toMatchObject({
      ok: true,
      event: {
        kind: 'build',
        action: 'finished',
        outcome: 'success',
        occurredAt: '2020-10-05T16:33:49.000Z',
        subject: { repository: 'octo-org/octo-repo' },
        commitSha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      },
    });
  });
});
