import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import { GateService } from './GateService';

const gate: GateRequest = {
  id: 'g1',
  taskId: 'task-1',
  templateRef: 'template:default/postgres-database',
  requester: 'user:default/guest',
  parameters: { storageGb: 250 },
  reasons: [
    {
      gate: 'storage',
      parameter: 'storageGb',
      reason: 'Databases above 100 GB need a capacity review',
      value: 250,
    },
  ],
  status: 'pending',
  createdAt: '2026-12-07T07:28:00.000Z',
  reviewers: 'the Platform Team',
};

function service() {
  const notifications = { send: jest.fn(async () => {}) };
  const store = {
    gateByTask: jest.fn(async () => undefined),
    openGate: jest.fn(async () => ({ gate, created: true })),
    gate: jest.fn(async () => gate),
    decideGate: jest.fn(async (d: { status: string; actor: string }) => ({
      ...gate,
      status: d.status,
      decidedBy: d.actor,
      comment: 'above the budget of the team',
    })),
    moveRun: jest.fn(async () => {}),
  };
  const policy = {
    check: jest.fn(async () => ({
      problems: [],
      violations: [],
      gates: gate.reasons,
    })),
  };
  const gates = new GateService({
    store: store as any,
    policy: policy as any,
    notifications: notifications as any,
    logger: mockServices.logger.mock(),
    notifyGroup: 'group:default/platform-team',
  });
  const sent = () =>
    (notifications.send.mock.calls as unknown as any[][]).map(
      ([n]) => n as { recipients: { entityRef: string }; payload: any },
    );
  return { gates, sent };
}

const RAW_REF = /\b(template|user|group):default\//;

describe('GateService notifications', () => {
  it('names the template and the requester in words, keeping the refs as recipients and links', async () => {
    const { gates, sent } = service();
    await gates.check(
      {
        taskId: 'task-1',
        templateRef: gate.templateRef,
        requester: gate.requester,
        parameters: gate.parameters,
      },
      mockCredentials.user('user:default/guest'),
    );
    const [reviewers, requester] = sent();
    expect(reviewers.recipients.entityRef).toBe('group:default/platform-team');
    expect(reviewers.payload.title).toBe(
      'Golden gate: guest asks for postgres-database',
    );
    expect(requester.recipients.entityRef).toBe('user:default/guest');
    expect(requester.payload.title).toBe(
      'Waiting for approval: your request for postgres-database',
    );
    expect(requester.payload.link).toBe('/create/tasks/task-1');
    for (const { payload } of sent()) {
      expect(payload.title).not.toMatch(RAW_REF);
      expect(payload.description).not.toMatch(RAW_REF);
    }
  });

  it('says who rejected a request by name', async () => {
    const { gates, sent } = service();
    await gates.reject(
      'g1',
      'user:default/carol',
      'above the budget of the team',
    );
    const [rejected] = sent();
    expect(rejected.recipients.entityRef).toBe('user:default/guest');
    expect(rejected.payload.title).toBe(
      'Rejected: your request for postgres-database',
    );
    expect(rejected.payload.description).toBe(
      'carol rejected it: above the budget of the team',
    );
    expect(rejected.payload.description).not.toMatch(RAW_REF);
  });
});
