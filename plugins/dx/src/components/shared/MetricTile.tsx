import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../../routes';
import { formatApproxDuration } from './format';

/**
 * One number with what it means: its value, level, sample size, the
 * previous period, what could not be linked, and its definition. A click
 * opens the rows it was computed from.
 */
export function MetricTile(props: {
  title: string;
  value: ReactNode;
  testId?: string;
  chip?: ReactNode;
  /** `from 42 deployments`. */
  sample?: ReactNode;
  previous?: ReactNode;
  /** What could not be linked or was left out. */
  notes?: string[];
  /** Below the notes: e.g. "Why this number" (clicks in it stay in it). */
  extra?: ReactNode;
  /** One line: how it is counted. */
  definition?: string;
  /** The full definition on the Definitions tab (`METRIC_DEFINITIONS`). */
  definitionId?: string;
  onOpen?: () => void;
  open?: boolean;
  openLabel?: string;
}) {
  const { onOpen, open } = props;
  return (
    <Card
      variant="outlined"
      role="group"
      aria-label={props.title}
      onClick={onOpen}
      style={{ height: '100%', cursor: onOpen ? 'pointer' : undefined }}
      raised={open}
    >
      <CardContent>
        <Box display="flex" justifyContent="space-between" alignItems="center">
          <Typography variant="subtitle2" component="h3">
            {props.title}
          </Typography>
          {props.chip}
        </Box>
        <Typography variant="h5" component="div" data-testid={props.testId}>
          {props.value}
        </Typography>
        {props.sample && (
          <Typography variant="body2" color="textSecondary">
            {props.sample}
          </Typography>
        )}
        {props.previous}
        {props.notes && props.notes.length > 0 && (
          <Box component="ul" pl={2} my={1}>
            {props.notes.map(note => (
              <Typography
                key={note}
                component="li"
                variant="caption"
                color="textSecondary"
              >
                {note}
              </Typography>
            ))}
          </Box>
        )}
        {props.extra && (
          // Clicks here do not open the tile's rows.
          <Box onClick={e => e.stopPropagation()}>{props.extra}</Box>
        )}
        {props.definition && (
          <Typography variant="caption" component="p">
            {props.definition} <DefinitionLink id={props.definitionId} />
          </Typography>
        )}
        {onOpen && (
          <Box mt={1}>
            <Button
              size="small"
              color="primary"
              aria-pressed={open ?? false}
              onClick={e => {
                e.stopPropagation();
                onOpen();
              }}
            >
              {props.openLabel ?? 'Show the rows'}
            </Button>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}

/** Two durations of one distribution: `4 h median · p90 9 h`. */
export function DurationPair(props: {
  main?: number | null;
  second?: number | null;
  /** What they are, e.g. `median · p90`. */
  label: string;
}) {
  return (
    <>
      {formatApproxDuration(props.main)}
      <Typography component="span" variant="body2" color="textSecondary">
        {' '}
        {props.label} {formatApproxDuration(props.second)}
      </Typography>
    </>
  );
}

/** "How we count this": the full definition on the DX page. */
export function DefinitionLink(props: { id?: string }) {
  const dxPage = useRouteRef(rootRouteRef);
  if (!props.id || !dxPage) return null;
  return (
    <Link to={`${dxPage()}?tab=definitions#${props.id}`}>
      How we count this
    </Link>
  );
}
