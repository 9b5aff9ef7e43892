import { EmptyState, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ScorecardRollup } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
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
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { dxApiRef, type DxRange } from '../../api';
import { Async } from '../shared/Async';
import { capitalize, formatDay, formatPercent, plural } from '../shared/format';
import { ScorecardLevelChip } from '../shared/LevelChip';
import { Previous } from '../shared/Previous';
import { ApiCsvDownload } from '../shared/CsvDownload';
import { EntityName } from '../shared/EntityName';

const PALETTE = ['#8d6e63', '#78909c', '#f9a825', '#2e7d32', '#1565c0'];
const NONE_COLOUR = '#bdbdbd';

/** `none` first, then the levels lowest first. */
const levelsOf = (r: ScorecardRollup) => ['none', ...r.levels];
const colourOf = (r: ScorecardRollup, level: string) =>
  level === 'none'
    ? NONE_COLOUR
    : PALETTE[Math.min(PALETTE.length - 1, r.levels.indexOf(level))];
const labelOf = (level: string) =>
  level === 'none' ? 'No level' : capitalize(level);

/** Entities per level as chips with their counts. */
export function LevelCounts(props: { rollup: ScorecardRollup }) {
  const { rollup } = props;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {levelsOf(rollup).map(level => (
        <ScorecardLevelChip
          key={level}
          level={level}
          levels={rollup.levels}
          count={rollup.byLevel[level] ?? 0}
        />
      ))}
    </Box>
  );
}

/** Entities per level as one stacked bar. */
function LevelBar(props: { rollup: ScorecardRollup }) {
  const { rollup } = props;
  const row: Record<string, number | string> = { name: 'Entities' };
  for (const level of levelsOf(rollup))
    row[labelOf(level)] = rollup.byLevel[level] ?? 0;
  return (
    <div role="figure" aria-label={`${rollup.title}: entities per level`}>
      <ResponsiveContainer
        width="100%"
        height={80}
        initialDimension={{ width: 500, height: 80 }}
      >
        <BarChart data={[row]} layout="vertical" margin={{ right: 16 }}>
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" hide />
          <Tooltip />
          {levelsOf(rollup).map(level => (
            <Bar
              key={level}
              dataKey={labelOf(level)}
              stackId="levels"
              fill={colourOf(rollup, level)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Mean score and entities per level over the days of the range. */
function TrendChart(props: { rollup: ScorecardRollup }) {
  const theme = useTheme();
  const { rollup } = props;
  if (rollup.trend.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No evaluations in this range yet.
      </Typography>
    );
  }
  // One day is a point, not a trend: say so until there is a second.
  if (rollup.trend.length === 1) {
    return (
      <Typography variant="body2" color="textSecondary">
        One day of results so far ({rollup.trend[0].day}); the trend shows from
        the second day on.
      </Typography>
    );
  }
  const data = rollup.trend.map(p => {
    const point: Record<string, number | string> = {
      day: p.day,
      'Mean score (%)': Math.round(p.score * 1000) / 10,
    };
    for (const level of levelsOf(rollup))
      point[labelOf(level)] = p.byLevel[level] ?? 0;
    return point;
  });
  return (
    <div role="figure" aria-label={`${rollup.title}: trend`}>
      <ResponsiveContainer
        width="100%"
        height={220}
        initialDimension={{ width: 600, height: 220 }}
      >
        <LineChart data={data} margin={{ top: 8, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={formatDay} minTickGap={24} />
          <YAxis yAxisId="score" domain={[0, 100]} width={52} unit="%" />
          <YAxis
            yAxisId="entities"
            orientation="right"
            allowDecimals={false}
            width={40}
          />
          <Tooltip labelFormatter={label => formatDay(String(label))} />
          <Legend />
          <Line
            yAxisId="score"
            dataKey="Mean score (%)"
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {levelsOf(rollup).map(level => (
            <Line
              key={level}
              yAxisId="entities"
              dataKey={labelOf(level)}
              stroke={colourOf(rollup, level)}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One scorecard over many entities. */
function RollupCard(props: { rollup: ScorecardRollup }) {
  const { rollup } = props;
  const first = rollup.trend[0];
  return (
    <InfoCard
      title={rollup.title}
      subheader={
        <>
          {plural(rollup.entities, 'entity', 'entities')}
          {rollup.owner && (
            <>
              {' '}
              of <EntityName entityRef={rollup.owner} />
            </>
          )}{' '}
          · levels {rollup.levels.join(', ')}
        </>
      }
    >
      {rollup.entities === 0 ? (
        // Nothing judged: no score, no passing checks to claim.
        <Typography variant="body2" color="textSecondary">
          No entity has been judged against this scorecard in this range yet.
          Scorecards are evaluated on a schedule (every hour unless{' '}
          <code>dx.scorecards.frequencyMinutes</code> says otherwise), the first
          time shortly after the portal starts; a scorecard whose kinds and
          filters match no entity stays empty.
        </Typography>
      ) : (
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <Typography variant="caption" color="textSecondary">
              Mean score
            </Typography>
            <Typography variant="h5" data-testid="scorecard-score">
              {formatPercent(rollup.score)}
            </Typography>
            {first && (
              <Previous
                label={`On ${formatDay(first.day)}`}
                current={rollup.score}
                previous={first.score}
                format={n => formatPercent(n)}
                formatDelta={d => `${(d * 100).toFixed(1)} pp`}
                better="higher"
              />
            )}
            <Box mt={1}>
              <LevelCounts rollup={rollup} />
            </Box>
          </Grid>
          <Grid item xs={12} md={8}>
            <LevelBar rollup={rollup} />
          </Grid>
          <Grid item xs={12} md={4}>
            <Typography variant="subtitle2">Most failed checks</Typography>
            {rollup.failing.length === 0 ? (
              <Typography variant="body2">Every check passes.</Typography>
            ) : (
              <Box component="ol" pl={2} my={0}>
                {rollup.failing.slice(0, 5).map(c => (
                  <Typography component="li" variant="body2" key={c.id}>
                    {c.title} ({labelOf(c.level)}):{' '}
                    {plural(c.entities, 'entity', 'entities')}
                  </Typography>
                ))}
              </Box>
            )}
          </Grid>
          <Grid item xs={12} md={8}>
            <TrendChart rollup={rollup} />
          </Grid>
        </Grid>
      )}
    </InfoCard>
  );
}

/** Each team's roll-up of each scorecard. */
function TeamsTable(props: {
  teams: Array<{ owner: string; items: ScorecardRollup[] }>;
}) {
  return (
    <InfoCard title="Per team">
      <Table size="small" aria-label="Scorecards per team">
        <TableHead>
          <TableRow>
            <TableCell>Team</TableCell>
            <TableCell>Scorecard</TableCell>
            <TableCell align="right">Entities</TableCell>
            <TableCell align="right">Mean score</TableCell>
            <TableCell>Entities per level</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.teams.flatMap(team =>
            team.items.map(r => (
              <TableRow key={`${team.owner} ${r.scorecardId}`}>
                <TableCell>
                  <EntityRefLink entityRef={team.owner} defaultKind="group" />
                </TableCell>
                <TableCell>{r.title}</TableCell>
                <TableCell align="right">{r.entities}</TableCell>
                <TableCell align="right">{formatPercent(r.score)}</TableCell>
                <TableCell>
                  <LevelCounts rollup={r} />
                </TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/**
 * Scorecards of a team or the organisation: per scorecard the entities per
 * level, the mean score, the most failed checks and the trend; for the
 * organisation also each team's.
 */
export function ScorecardsTab(props: { owner?: string; range: DxRange }) {
  const { owner, range } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(
    () => api.getScorecardRollup({ owner, ...range }),
    [api, owner, range],
  );
  return (
    <Async state={state} what="Scorecards">
      {({ items, teams }) => {
        if (items.length === 0) {
          return (
            <EmptyState
              missing="data"
              title="No scorecard results yet"
              description={
                <>
                  The DX backend evaluates the scorecards of{' '}
                  {owner ? (
                    <>
                      the components of <EntityName entityRef={owner} />
                    </>
                  ) : (
                    'every component'
                  )}{' '}
                  on a schedule; results appear after its first run.
                </>
              }
            />
          );
        }
        return (
          <Grid container spacing={3}>
            <Grid item xs={12}>
              <ApiCsvDownload
                path="/scorecards/results.csv"
                query={{ owner }}
                what="scorecards"
              />
            </Grid>
            {items.map(r => (
              <Grid item xs={12} key={r.scorecardId}>
                <RollupCard rollup={r} />
              </Grid>
            ))}
            {!owner && teams && teams.length > 0 && (
              <Grid item xs={12}>
                <TeamsTable teams={teams} />
              </Grid>
            )}
          </Grid>
        );
      }}
    </Async>
  );
}
