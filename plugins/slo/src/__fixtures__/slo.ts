import type {
  PlatformHealth,
  SloDetail,
  SloSummary,
} from '@internal/plugin-slo-common';
import { DEFAULT_BURN_RATE_RULES } from '@internal/plugin-slo-common';

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/** Checkout availability: breaching, its budget overspent, one alert firing. */
export const checkoutAvailability: SloSummary = {
  id: 'component:default/checkout/checkout-availability',
  name: 'checkout-availability',
  displayName: 'Checkout availability',
  description: 'Checkout requests succeed',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-a',
  systemRef: 'system:default/shop',
  origin: 'repository',
  file: 'slo.yaml',
  sourceType: 'Prometheus',
  target: 0.995,
  window: { duration: '28d', rolling: true },
  budgetingMethod: 'Occurrences',
  state: 'breaching',
  evaluatedAt: minutesAgo(2),
  budget: {
    sli: 0.99,
    good: 99_000,
    total: 100_000,
    allowed: 500,
    consumed: 1000,
    remaining: -1,
  },
  problems: [
    {
      path: 'checkout-availability.spec.alertPolicies[0].spec.notificationTargets',
      message: 'alerts go to the owning group through Backstage notifications',
      severity: 'unsupported',
    },
  ],
  firingAlerts: 1,
  burnRates: [
    { windowMinutes: 5, rate: 20, good: 90, total: 100 },
    { windowMinutes: 60, rate: 16.5, good: 1835, total: 2000 },
  ],
};

/** Search latency: fine, owned by team-b in another system. */
export const searchLatency: SloSummary = {
  id: 'component:default/search/search-latency',
  name: 'search-latency',
  displayName: 'Search latency',
  entityRef: 'component:default/search',
  ownerRef: 'group:default/team-b',
  systemRef: 'system:default/discovery',
  origin: 'ui',
  sourceType: 'Push',
  target: 0.99,
  window: { duration: '1w', rolling: true },
  budgetingMethod: 'Timeslices',
  state: 'ok',
  evaluatedAt: minutesAgo(1),
  budget: {
    sli: 0.9975,
    good: 9975,
    total: 10_000,
    allowed: 100.8,
    consumed: 25,
    remaining: 0.752,
  },
  problems: [],
  firingAlerts: 0,
  burnRates: [],
};

/** Orders database freshness: its Prometheus query fails. */
export const ordersFreshness: SloSummary = {
  id: 'resource:default/orders-db/orders-freshness',
  name: 'orders-freshness',
  entityRef: 'resource:default/orders-db',
  ownerRef: 'group:default/team-a',
  systemRef: 'system:default/shop',
  origin: 'repository',
  file: 'slo.yaml',
  sourceType: 'Prometheus',
  target: 0.95,
  window: { duration: '1M', rolling: false },
  budgetingMethod: 'Occurrences',
  state: 'error',
  error: 'Prometheus answered 400: parse error at char 5',
  problems: [
    {
      path: 'orders-freshness.spec.objectives[0].target',
      message: 'must be below 1 (a share, e.g. 0.995)',
      severity: 'error',
    },
  ],
  firingAlerts: 0,
  burnRates: [],
};

export const allSlos = [checkoutAvailability, searchLatency, ordersFreshness];

const STEPS = 12;
const windowStart = Date.parse('2026-11-01T00:00:00.000Z');
const step = 2 * 3_600_000;

/** The detail of checkout availability, with a gap (no data) in its series. */
export const checkoutDetail: SloDetail = {
  ...checkoutAvailability,
  spec: {
    name: 'checkout-availability',
    displayName: 'Checkout availability',
    indicator: {
      kind: 'ratio',
      counter: true,
      good: { type: 'Prometheus', spec: { query: 'good' } },
      total: { type: 'Prometheus', spec: { query: 'total' } },
    },
    timeWindow: { duration: '28d', rolling: true },
    budgetingMethod: 'Occurrences',
    objective: { target: 0.995 },
    objectiveIndex: 0,
    alerting: { rules: DEFAULT_BURN_RATE_RULES, defaults: true },
  },
  burnRates: [
    { windowMinutes: 5, rate: 20, good: 90, total: 100 },
    { windowMinutes: 30, rate: 3.2, good: 984, total: 1000 },
    { windowMinutes: 60, rate: 16.5, good: 1835, total: 2000 },
    { windowMinutes: 360, rate: 2.1, good: 11874, total: 12000 },
    { windowMinutes: 4320, rate: 1.9, good: 80000, total: 80760 },
  ],
  alerts: [
    {
      rule: DEFAULT_BURN_RATE_RULES[0],
      firing: true,
      longRate: 16.5,
      shortRate: 20,
      since: '2026-11-01T20:00:00.000Z',
    },
    {
      rule: DEFAULT_BURN_RATE_RULES[1],
      firing: false,
      longRate: 2.1,
      shortRate: 3.2,
    },
  ],
  series: Array.from({ length: STEPS }, (_, i) => ({
    ts: new Date(windowStart + (i + 1) * step).toISOString(),
    sli: i === 4 ? null : 0.999 - i * 0.001,
    good: i === 4 ? 0 : 1000 - i,
    total: i === 4 ? 0 : 1000,
    budgetRemaining: 1 - i * 0.2,
  })),
  alertHistory: [
    {
      id: 'e2',
      sloId: checkoutAvailability.id,
      rule: 'fast-burn',
      severity: 'page',
      state: 'firing',
      at: '2026-11-01T20:00:00.000Z',
      longRate: 16.5,
      shortRate: 20,
    },
    {
      id: 'e1',
      sloId: checkoutAvailability.id,
      rule: 'slow-burn',
      severity: 'ticket',
      state: 'resolved',
      at: '2026-11-01T10:00:00.000Z',
      longRate: 0.8,
      shortRate: 0.5,
    },
  ],
  from: new Date(windowStart).toISOString(),
  to: new Date(windowStart + STEPS * step).toISOString(),
};

/** The portal's own SLOs, provisioning and probes. */
export const platformHealth: PlatformHealth = {
  slos: [
    {
      ...searchLatency,
      id: 'platform/portal-availability',
      name: 'portal-availability',
      displayName: 'Portal availability',
      entityRef: 'component:default/portal',
      ownerRef: 'group:default/platform',
      systemRef: undefined,
      origin: 'platform',
      sourceType: 'Portal',
      target: 0.999,
      state: 'ok',
      budget: { ...searchLatency.budget!, sli: 0.9995, remaining: 0.5 },
      burnRates: checkoutDetail.burnRates,
    },
    {
      ...checkoutAvailability,
      id: 'platform/provisioning-success',
      name: 'provisioning-success',
      displayName: 'Provisioning success rate',
      entityRef: 'component:default/portal',
      ownerRef: 'group:default/platform',
      systemRef: undefined,
      origin: 'platform',
      sourceType: 'Portal',
      target: 0.95,
      state: 'warning',
      budget: { ...checkoutAvailability.budget!, sli: 0.96, remaining: 0.2 },
      problems: [],
    },
  ],
  evaluation: {
    at: '2026-11-29T00:00:00.000Z',
    durationMs: 1250,
    evaluated: 42,
    failed: 1,
  },
  provisioning: {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-29T00:00:00.000Z',
    completed: 48,
    failed: 2,
    successRate: 0.96,
    p50Seconds: 95,
    p95Seconds: 610,
  },
  probes: [
    {
      target: 'catalog',
      ok: 2879,
      total: 2880,
      lastOk: true,
      lastAt: minutesAgo(1),
      p95LatencyMs: 120,
    },
    {
      target: 'scaffolder',
      ok: 2700,
      total: 2880,
      lastOk: false,
      lastAt: minutesAgo(1),
      lastError: 'connect ECONNREFUSED 127.0.0.1:7007',
      p95LatencyMs: null,
    },
  ],
};
