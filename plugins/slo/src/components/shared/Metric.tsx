import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** A labelled figure: the label small above, the value large below. */
export function Metric(props: {
  label: string;
  value: ReactNode;
  caption?: ReactNode;
  testId?: string;
}) {
  return (
    <Box minWidth={120}>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.label}
      </Typography>
      <Typography variant="h6" component="div" data-testid={props.testId}>
        {props.value}
      </Typography>
      {props.caption && (
        <Typography variant="caption" color="textSecondary" component="p">
          {props.caption}
        </Typography>
      )}
    </Box>
  );
}
