import { EmptyState, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { DoraPeriod } from '@internal/plugin-dx-common';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { dxApiRef, type DxRange } from '../../api';
import { Async } from '../shared/Async';
import {
  formatApproxDuration,
  formatNumber,
  formatPercent,
  formatPerWeek,
  plural,
} from '../shared/format';
import { HowToSendEvents } from '../shared/HowToSendEvents';
import { DoraLevelChip } from '../shared/LevelChip';
import { ApiCsvDownload } from '../shared/CsvDownload';

const HOUR = 3_600_000;

interface Key {
  id: string;
  label: string;
  /** The value shown in the table. */
  text: (p: DoraPeriod) => string;
  /** The sample size. */
  sample: (p: DoraPeriod) => string;
  level: (p: DoraPeriod) => DoraPeriod['level'];
  /** The value charted, in `unit`. */
  chart: (p: DoraPeriod) => number | null;
  unit: string;
}

const KEYS: Key[] = [
  {
    id: 'deployment-frequency',
    label: 'Deployment frequency',
    text: p => formatPerWeek(p.deploymentFrequency.perWeek),
    sample: p => plural(p.deploymentFrequency.deployments, 'deployment'),
    level: p => p.deploymentFrequency.level,
    chart: p => p.deploymentFrequency.perWeek,
    unit: 'per week',
  },
  {
    id: 'lead-time',
    label: 'Lead time (median)',
    text: p =>
      `${formatApproxDuration(p.leadTime.medianMs)} (p90 ${formatApproxDuration(
        p.leadTime.p90Ms,
      )})`,
    sample: p => plural(p.leadTime.changes, 'change'),
    level: p => p.leadTime.level,
    chart: p =>
      p.leadTime.medianMs === null ? null : p.leadTime.medianMs / HOUR,
    unit: 'hours',
  },
  {
    id: 'change-failure-rate',
    label: 'Change failure rate',
    text: p => formatPercent(p.changeFailureRate.rate),
    sample: p => plural(p.changeFailureRate.deployments, 'deployment'),
    level: p => p.changeFailureRate.level,
    chart: p =>
      p.changeFailureRate.rate === null ? null : p.changeFailureRate.rate * 100,
    unit: '%',
  },
  {
    id: 'recovery-time',
    label: 'Recovery time (median)',
    text: p => formatApproxDuration(p.recoveryTime.medianMs),
    sample: p => plural(p.recoveryTime.incidents, 'incident'),
    level: p => p.recoveryTime.level,
    chart: p =>
      p.recoveryTime.medianMs === null ? null : p.recoveryTime.medianMs / HOUR,
    unit: 'hours',
  },
];

/** One key, golden paths beside the rest, as two bars. */
function KeyChart(props: { k: Key; golden: DoraPeriod; others: DoraPeriod }) {
  const theme = useTheme();
  const { k, golden, others } = props;
  const data = [
    {
      key: k.label,
      'Golden paths': k.chart(golden),
      'The rest': k.chart(others),
    },
  ];
  return (
    <div role="figure" aria-label={`${k.label}: golden paths and the rest`}>
      <Typography variant="subtitle2">
        {k.label} ({k.unit})
      </Typography>
      <ResponsiveContainer
        width="100%"
        height={180}
        initialDimension={{ width: 300, height: 180 }}
      >
        <BarChart data={data} margin={{ top: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="key" hide />
          <YAxis width={48} tickFormatter={(n: number) => formatNumber(n)} />
          <Tooltip formatter={(v: unknown) => formatNumber(Number(v))} />
          <Legend />
          <Bar
            dataKey="Golden paths"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
          <Bar
            dataKey="The rest"
            fill={theme.palette.grey[500]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Golden paths versus the rest: the four keys of the components made from
 * a golden-path template beside those of every other entity with events,
 * for the whole organisation.
 */
export function GoldenPathsTab(props: { range: DxRange }) {
  const { range } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(() => api.getGoldenPaths(range), [api, range]);
  return (
    <Async state={state} what="Golden paths vs the rest">
      {({ goldenPath, others }) => {
        if (
          goldenPath.deploymentFrequency.deployments === 0 &&
          others.deploymentFrequency.deployments === 0
        ) {
          return (
            <EmptyState
              missing="data"
              title="No deployments in this range"
              description="Golden paths are compared by their deployments, changes and incidents; none was received for this range."
              action={<HowToSendEvents />}
            />
          );
        }
        return (
          <Grid container spacing={3}>
            <Grid item xs={12}>
              <ApiCsvDownload
                path="/metrics/golden-paths.csv"
                query={{
                  from: range.from.toISOString(),
                  to: range.to.toISOString(),
                }}
                what="golden-paths"
              />
            </Grid>
            <Grid item xs={12}>
              <InfoCard
                title="Golden paths vs the rest"
                subheader={`Organisation-wide: ${plural(
                  goldenPath.entities,
                  'component',
                )} made from a golden-path template (annotation portal.dev/template) beside every other entity with events`}
              >
                {goldenPath.entities === 0 && (
                  <Typography variant="body2" paragraph>
                    No component was made from a golden-path template yet, so
                    there is nothing to compare.
                  </Typography>
                )}
                <Table size="small" aria-label="Golden paths vs the rest">
                  <TableHead>
                    <TableRow>
                      <TableCell>Metric</TableCell>
                      <TableCell>Golden paths</TableCell>
                      <TableCell>The rest</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {KEYS.map(k => (
                      <TableRow key={k.id}>
                        <TableCell>{k.label}</TableCell>
                        {[goldenPath, others].map((p, i) => (
                          <TableCell key={i}>
                            {k.text(p)} <DoraLevelChip level={k.level(p)} />
                            <Typography
                              variant="caption"
                              color="textSecondary"
                              component="p"
                            >
                              from {k.sample(p)}
                            </Typography>
                          </TableCell>
                        ))}
                      </TableRow>
                    ))}
                    <TableRow>
                      <TableCell>Overall level</TableCell>
                      <TableCell>
                        <DoraLevelChip level={goldenPath.level} />
                      </TableCell>
                      <TableCell>
                        <DoraLevelChip level={others.level} />
                      </TableCell>
                    </TableRow>
                  </TableBody>
                </Table>
              </InfoCard>
            </Grid>
            {KEYS.map(k => (
              <Grid item xs={12} sm={6} lg={3} key={k.id}>
                <KeyChart k={k} golden={goldenPath} others={others} />
              </Grid>
            ))}
          </Grid>
        );
      }}
    </Async>
  );
}
