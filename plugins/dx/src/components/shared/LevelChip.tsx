import type { DoraLevel } from '@internal/plugin-dx-common';
import Chip from '@material-ui/core/Chip';
import { capitalize } from './format';

const DORA_COLOURS: Record<DoraLevel, string> = {
  elite: '#1b5e20',
  high: '#2e7d32',
  medium: '#ef6c00',
  low: '#c62828',
};

/** A DORA performance level (elite, high, medium, low); none without data. */
export function DoraLevelChip(props: {
  level: DoraLevel | null;
  label?: string;
}) {
  const { level } = props;
  const text = level ? capitalize(level) : 'No level';
  if (!level) {
    return (
      <Chip
        size="small"
        variant="outlined"
        label={props.label ? `${props.label}: ${text}` : text}
      />
    );
  }
  return (
    <Chip
      size="small"
      label={props.label ? `${props.label}: ${text}` : text}
      style={{ backgroundColor: DORA_COLOURS[level], color: '#fff' }}
    />
  );
}

const SCORECARD_COLOURS = ['#8d6e63', '#78909c', '#f9a825', '#2e7d32'];

/**
 * The level a scorecard reached: coloured by its rank among the scorecard's
 * levels (lowest first); none: outlined.
 */
export function ScorecardLevelChip(props: {
  level: string | null;
  levels: string[];
  count?: number;
}) {
  const { level, levels, count } = props;
  const suffix = count === undefined ? '' : `: ${count}`;
  if (!level || level === 'none') {
    return <Chip size="small" variant="outlined" label={`No level${suffix}`} />;
  }
  const rank = Math.max(0, levels.indexOf(level));
  const colour =
    SCORECARD_COLOURS[
      Math.min(
        SCORECARD_COLOURS.length - 1,
        levels.length <= 1
          ? SCORECARD_COLOURS.length - 1
          : Math.round(
              (rank / (levels.length - 1)) * (SCORECARD_COLOURS.length - 1),
            ),
      )
    ];
  return (
    <Chip
      size="small"
      label={`${capitalize(level)}${suffix}`}
      style={{ backgroundColor: colour, color: '#fff' }}
    />
  );
}
