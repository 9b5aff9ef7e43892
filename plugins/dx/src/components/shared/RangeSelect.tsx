import TextField from '@material-ui/core/TextField';
import { RANGE_DAYS, type RangeDays } from './params';

/** Last 30, 90 or 180 days. */
export function RangeSelect(props: {
  days: RangeDays;
  onChange: (days: RangeDays) => void;
}) {
  return (
    <TextField
      select
      id="dx-range"
      label="Time range"
      value={props.days}
      onChange={e => props.onChange(Number(e.target.value) as RangeDays)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      variant="outlined"
      size="small"
      style={{ minWidth: 160 }}
    >
      {RANGE_DAYS.map(d => (
        <option key={d} value={d}>
          Last {d} days
        </option>
      ))}
    </TextField>
  );
}
