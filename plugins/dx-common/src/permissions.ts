import { createPermission } from '@backstage/plugin-permission-common';

/** Send events to the DX ingestion API (CI systems, deploy tools). */
export const dxEventsIngestPermission = createPermission({
  name: 'dx.events.ingest',
  attributes: { action: 'create' },
});

/** Every permission of the DX plugin family. */
export const dxPermissions = [dxEventsIngestPermission];
