import {
  EmptyState,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { OnboardingMetrics } from '@internal/plugin-dx-common';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DxRange } from '../../api';
import { Async } from '../shared/Async';
import { formatDays, formatNumber, formatTime, plural } from '../shared/format';
import { HowToSendEvents } from '../shared/HowToSendEvents';
import { MetricTile } from '../shared/MetricTile';
import { previousRange } from '../shared/params';
import { Previous } from '../shared/Previous';
import { ApiCsvDownload } from '../shared/CsvDownload';
import { EntityName } from '../shared/EntityName';

type Row = OnboardingMetrics['rows'][number];

/** `Nov 3, 2026, 14:05 (2.5 days)`: a time and how long after `since`. */
function after(at: string | undefined, since: string) {
  if (!at) return 'not yet';
  return `${formatTime(at)} (${formatDays(
    Date.parse(at) - Date.parse(since),
  )})`;
}

const columns: TableColumn<Row>[] = [
  {
    title: 'User',
    render: r => <EntityRefLink entityRef={r.userRef} defaultKind="user" />,
  },
  { title: 'First seen', render: r => formatTime(r.firstSeenAt) },
  { title: 'First change', render: r => after(r.firstChangeAt, r.firstSeenAt) },
  {
    title: 'First deployment',
    render: r => after(r.firstDeploymentAt, r.firstSeenAt),
  },
];

/**
 * Onboarding: users who first appeared in the catalog in the range, and
 * the median time to their first change and first deployment.
 */
export function OnboardingTab(props: {
  owner?: string;
  range: DxRange;
  previousLabel: string;
}) {
  const { owner, range, previousLabel } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(async () => {
    const [current, previous] = await Promise.all([
      api.getOnboarding({ owner, ...range }),
      api.getOnboarding({ owner, ...previousRange(range) }),
    ]);
    return { current, previous };
  }, [api, owner, range]);
  return (
    <Async state={state} what="Onboarding">
      {({ current, previous }) => {
        if (current.users === 0) {
          return (
            <EmptyState
              missing="data"
              title="No new users in this range"
              description={
                <>
                  No user
                  {owner && (
                    <>
                      {' '}
                      of <EntityName entityRef={owner} />
                    </>
                  )}{' '}
                  first appeared in the catalog in this range. Their first
                  change and first deployment are read from the change and
                  deployment events the DX backend receives.
                </>
              }
              action={<HowToSendEvents />}
            />
          );
        }
        return (
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <ApiCsvDownload
                path="/metrics/onboarding.csv"
                query={{
                  owner,
                  from: range.from.toISOString(),
                  to: range.to.toISOString(),
                }}
                what="onboarding"
              />
            </Grid>
            <Grid item xs={12} md={4}>
              <MetricTile
                title="New users"
                testId="onboarding-users"
                value={formatNumber(current.users, 0)}
                sample="first seen in the catalog in the range"
                previous={
                  <Previous
                    label={previousLabel}
                    current={current.users}
                    previous={previous.users}
                    format={n => formatNumber(n, 0)}
                    better="higher"
                  />
                }
              />
            </Grid>
            <Grid item xs={12} md={4}>
              <MetricTile
                title="Time to first change"
                testId="onboarding-first-change"
                value={formatDays(current.firstChange.medianMs)}
                sample={`median of ${plural(
                  current.firstChange.reached,
                  'user',
                )} of ${current.users} who made one`}
                previous={
                  <Previous
                    label={previousLabel}
                    current={current.firstChange.medianMs}
                    previous={previous.firstChange.medianMs}
                    format={formatDays}
                    better="lower"
                  />
                }
                definition="From first seen in the catalog to the first change (merged) by the user."
                definitionId="onboarding"
              />
            </Grid>
            <Grid item xs={12} md={4}>
              <MetricTile
                title="Time to first deployment"
                testId="onboarding-first-deployment"
                value={formatDays(current.firstDeployment.medianMs)}
                sample={`median of ${plural(
                  current.firstDeployment.reached,
                  'user',
                )} of ${current.users} who made one`}
                previous={
                  <Previous
                    label={previousLabel}
                    current={current.firstDeployment.medianMs}
                    previous={previous.firstDeployment.medianMs}
                    format={formatDays}
                    better="lower"
                  />
                }
                definition="From first seen in the catalog to the first production deployment by the user."
                definitionId="onboarding"
              />
            </Grid>
            <Grid item xs={12}>
              <Table<Row>
                title={`New users (${plural(current.rows.length, 'row')})`}
                data={current.rows}
                columns={columns}
                options={{
                  paging: current.rows.length > 20,
                  pageSize: 20,
                  padding: 'dense',
                }}
              />
            </Grid>
          </Grid>
        );
      }}
    </Async>
  );
}
