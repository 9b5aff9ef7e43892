import { createPermission } from '@backstage/plugin-permission-common';

/** Send events to the DX ingestion API (CI systems, deploy tools). */
export const dxEventsIngestPermission = createPermission({
  name: 'dx.events.ingest',
  attributes: { action: 'create' },
});

/** Re-evaluate the scorecards now instead of at the next scheduled run. */
export const dxScorecardsRefreshPermission = createPermission({
  name: 'dx.scorecards.refresh',
  attributes: { action: 'update' },
});

/**
 * See each person's onboarding dates (first seen, first change, first
 * deployment). Without it a person sees only their own row; the totals
 * and medians are everyone's.
 */
export const dxOnboardingPeopleReadPermission = createPermission({
  name: 'dx.onboarding.people.read',
  attributes: { action: 'read' },
});

/** Start a history backfill of a source (reads the hosts' APIs with the portal's credentials). */
export const dxBackfillStartPermission = createPermission({
  name: 'dx.backfill.start',
  attributes: { action: 'create' },
});

/**
 * See DX's actions (agents, CLI). Entity-level reads still follow catalog
 * permissions.
 */
export const dxActionsReadPermission = createPermission({
  name: 'dx.actions.read',
  attributes: { action: 'read' },
});

/** Every permission of the DX plugin family. */
export const dxPermissions = [
  dxEventsIngestPermission,
  dxBackfillStartPermission,
  dxScorecardsRefreshPermission,
  dxOnboardingPeopleReadPermission,
  dxActionsReadPermission,
];
