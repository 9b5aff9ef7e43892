import { useState } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import { coreApis, useApi } from '@backstage/frontend-plugin-api';
import type { IngestionSourceSummary } from '@internal/plugin-catalog-ingestion-common';
import { errorInWords } from '@internal/portal-react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { catalogIngestionApiRef } from '../../api';
import {
  formatDuration,
  formatRelative,
  formatTimestamp,
} from '../shared/format';
import { RunStatus } from '../shared/RunStatus';

function RescanButton(props: { sourceId: string; onRescanned: () => void }) {
  const { sourceId, onRescanned } = props;
  const api = useApi(catalogIngestionApiRef);
  const toastApi = useApi(coreApis.toast);
  const [busy, setBusy] = useState(false);

  const rescan = async () => {
    setBusy(true);
    try {
      const { runs } = await api.rescan({ source: sourceId });
      const failed = runs.filter(r => r.status === 'failed').length;
      toastApi.post({
        title: `Rescanned ${sourceId}`,
        description: failed
          ? `${failed} of ${runs.length} runs failed`
          : `${runs.length} run${runs.length === 1 ? '' : 's'} finished`,
        status: failed ? 'warning' : 'success',
        timeout: 5000,
      });
    } catch (e) {
      toastApi.post({
        title: `Rescan of ${sourceId} failed`,
        description: errorInWords(e),
        status: 'danger',
      });
    } finally {
      setBusy(false);
      onRescanned();
    }
  };

  return (
    <Button
      variant="outlined"
      size="small"
      color="primary"
      disabled={busy}
      onClick={rescan}
      aria-label={`Rescan ${sourceId} now`}
    >
      {busy ? 'Scanning…' : 'Rescan now'}
    </Button>
  );
}

/** One row per configured source: counts, its last run and a rescan button. */
export function SourcesTable(props: {
  sources: IngestionSourceSummary[];
  onRescanned: () => void;
}) {
  const { sources, onRescanned } = props;
  const columns: TableColumn<IngestionSourceSummary>[] = [
    {
      title: 'Source',
      field: 'id',
      highlight: true,
      // Id, type and target in one cell; a long target is cut, in full on
      // hover, so the table fits 1280 px.
      render: s => (
        <>
          <Typography variant="body2" style={{ fontWeight: 500 }}>
            {s.id}
          </Typography>
          <Tooltip title={s.target}>
            <Typography
              variant="caption"
              color="textSecondary"
              component="div"
              noWrap
              style={{ maxWidth: 200 }}
            >
              {s.type}: <code>{s.target}</code>
            </Typography>
          </Tooltip>
        </>
      ),
    },
    { title: 'Repositories', field: 'repositories', type: 'numeric' },
    { title: 'Entities', field: 'entities', type: 'numeric' },
    { title: 'Problems', field: 'problems', type: 'numeric' },
    {
      title: 'Last run',
      // The last successful run in the same cell when it was not the last.
      render: s =>
        s.lastRun ? (
          <>
            <RunStatus status={s.lastRun.status} />
            <Tooltip title={formatTimestamp(s.lastRun.startedAt)}>
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {formatRelative(s.lastRun.startedAt)}, took{' '}
                {formatDuration(s.lastRun.durationMs)}
              </Typography>
            </Tooltip>
            {s.lastSuccessfulRunAt !== s.lastRun.startedAt && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                Last success:{' '}
                {s.lastSuccessfulRunAt
                  ? formatRelative(s.lastSuccessfulRunAt)
                  : 'never'}
              </Typography>
            )}
          </>
        ) : (
          'Never'
        ),
    },
    {
      title: '',
      render: s => <RescanButton sourceId={s.id} onRescanned={onRescanned} />,
    },
  ];
  return (
    <Table<IngestionSourceSummary>
      title="Sources"
      data={sources}
      columns={columns}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}
