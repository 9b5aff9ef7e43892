import type { SloSeriesPoint } from '@internal/plugin-slo-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatChartTime, formatPercent } from '../shared/format';

const HEIGHT = 240;
/**
 * The size charts draw at before the container is measured (and where it
 * cannot be, as in tests).
 */
const INITIAL = { width: 600, height: HEIGHT };

const percentTick = (value: number) => formatPercent(value, 2);
const tooltipPercent = (value: unknown) =>
  typeof value === 'number' ? formatPercent(value, 3) : 'no data';

/** The lowest value an axis shows: below both the data and the target. */
function lowerBound(values: number[], floor: number): number {
  const low = Math.min(floor, ...values);
  const padding = Math.max((1 - low) * 0.2, 0.0005);
  return Math.max(0, low - padding);
}

/**
 * The SLI of each step with the target as a line; steps without events
 * (`sli: null`) are gaps.
 */
export function SliChart(props: { series: SloSeriesPoint[]; target: number }) {
  const theme = useTheme();
  const { series, target } = props;
  const values = series.flatMap(p => (p.sli === null ? [] : [p.sli]));
  if (values.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No events in this range.
      </Typography>
    );
  }
  return (
    <Box role="figure" aria-label="SLI over time">
      <ResponsiveContainer
        width="100%"
        height={HEIGHT}
        initialDimension={INITIAL}
      >
        <LineChart data={series} margin={{ top: 8, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="ts" tickFormatter={formatChartTime} minTickGap={32} />
          <YAxis
            domain={[lowerBound(values, target), 1]}
            tickFormatter={percentTick}
            width={84}
          />
          <Tooltip
            labelFormatter={label => formatChartTime(String(label))}
            formatter={value => [tooltipPercent(value), 'SLI']}
          />
          <ReferenceLine
            y={target}
            stroke={theme.palette.error.main}
            strokeDasharray="6 3"
            label={{
              value: `Target ${formatPercent(target)}`,
              position: 'insideBottomRight',
              fill: theme.palette.error.main,
            }}
          />
          <Line
            type="monotone"
            dataKey="sli"
            name="SLI"
            stroke={theme.palette.primary.main}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}

/**
 * The error budget left over time: 100 % is the whole budget, 0 % spent,
 * below 0 % overspent.
 */
export function BudgetChart(props: { series: SloSeriesPoint[] }) {
  const theme = useTheme();
  const { series } = props;
  // Without a single event the budget is untouched by definition: say so
  // instead of drawing a full budget that nothing measured.
  if (!series.some(p => p.sli !== null)) {
    return (
      <Typography variant="body2" color="textSecondary">
        No events in this range, so nothing was spent of the error budget.
      </Typography>
    );
  }
  const values = series.map(p => p.budgetRemaining);
  const spent = Math.min(...values) <= 0;
  return (
    <Box role="figure" aria-label="Error budget remaining over time">
      <ResponsiveContainer
        width="100%"
        height={HEIGHT}
        initialDimension={INITIAL}
      >
        <AreaChart data={series} margin={{ top: 8, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="ts" tickFormatter={formatChartTime} minTickGap={32} />
          <YAxis
            domain={[Math.min(0, ...values), Math.max(1, ...values)]}
            tickFormatter={percentTick}
            width={84}
          />
          <Tooltip
            labelFormatter={label => formatChartTime(String(label))}
            formatter={value => [tooltipPercent(value), 'Budget remaining']}
          />
          <ReferenceLine
            y={0}
            stroke={
              spent ? theme.palette.error.main : theme.palette.text.secondary
            }
            strokeDasharray={spent ? undefined : '6 3'}
            label={{
              value: spent ? 'Budget spent' : '0 % left',
              position: 'insideBottomRight',
              fill: spent
                ? theme.palette.error.main
                : theme.palette.text.secondary,
            }}
          />
          <Area
            type="monotone"
            dataKey="budgetRemaining"
            name="Budget remaining"
            stroke={theme.palette.primary.main}
            fill={theme.palette.primary.light}
            fillOpacity={0.4}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </Box>
  );
}
