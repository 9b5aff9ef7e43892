import Tooltip from '@material-ui/core/Tooltip';
import { formatRelative, formatTimestamp } from './format';

/** A time as "5 minutes ago", with the full timestamp on hover. */
export function RelativeTime(props: { iso: string | undefined }) {
  return (
    <Tooltip title={formatTimestamp(props.iso)}>
      <span>{formatRelative(props.iso)}</span>
    </Tooltip>
  );
}
