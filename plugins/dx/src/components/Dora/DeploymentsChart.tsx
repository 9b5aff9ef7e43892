import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDay } from '../shared/format';

const HEIGHT = 220;
/** The size charts draw at before the container is measured (and in tests). */
export const INITIAL = { width: 600, height: HEIGHT };

/** Successful production deployments per day of the range. */
export function DeploymentsChart(props: {
  perDay: Array<{ day: string; deployments: number }>;
}) {
  const theme = useTheme();
  return (
    <Box role="figure" aria-label="Deployments per day">
      <ResponsiveContainer
        width="100%"
        height={HEIGHT}
        initialDimension={INITIAL}
      >
        <BarChart data={props.perDay} margin={{ top: 8, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={formatDay} minTickGap={24} />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip labelFormatter={label => formatDay(String(label))} />
          <Bar
            dataKey="deployments"
            name="Deployments"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}
