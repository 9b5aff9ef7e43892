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

/** Every permission of the DX plugin family. */
export const dxPermissions = [
  dxEventsIngestPermission,
  dxScorecardsRefreshPermission,
];
