import { Link } from '@backstage/core-components';
import type {
  AdvisorySummary,
  Vulnerability,
} from '@internal/plugin-inventory-common';

export { packageOf } from '@internal/plugin-inventory-common';
import Chip from '@material-ui/core/Chip';
import { DateTime } from 'luxon';

const ORDER = ['critical', 'high', 'medium', 'low'];

/** Higher first: critical, high, medium, low, then unknown. */
export function severityRank(severity?: string) {
  const i = ORDER.indexOf(severity ?? '');
  return i === -1 ? ORDER.length : i;
}

const COLORS: Record<string, { background: string; color: string }> = {
  critical: { background: '#8e1b1b', color: '#fff' },
  high: { background: '#c62828', color: '#fff' },
  medium: { background: '#f2a541', color: '#1a1a1a' },
  low: { background: '#e0e0e0', color: '#1a1a1a' },
};

/** The severity in words, coloured; "not rated" when the advisory has none. */
export function SeverityChip(props: { severity?: string }) {
  const { severity } = props;
  return (
    <Chip
      size="small"
      label={severity ?? 'not rated'}
      style={severity ? COLORS[severity] : undefined}
      variant={severity ? 'default' : 'outlined'}
    />
  );
}

/** The advisory's id, linked to its first reference, and its other ids. */
export function AdvisoryIds(props: { advisory: AdvisorySummary }) {
  const { advisory } = props;
  const [first] = advisory.references;
  return (
    <>
      {first ? <Link to={first}>{advisory.id}</Link> : advisory.id}
      {advisory.aliases.length > 0 && (
        <div style={{ fontSize: '0.8em', opacity: 0.8 }}>
          {advisory.aliases.join(', ')}
        </div>
      )}
    </>
  );
}

/** "Dec 7, 2026" */
export const formatDay = (iso: string) =>
  DateTime.fromISO(iso).toLocaleString(DateTime.DATE_MED);

/** Vulnerabilities sorted: most severe first, then the oldest first. */
export function bySeverity(a: Vulnerability, b: Vulnerability) {
  return (
    severityRank(a.advisory.severity) - severityRank(b.advisory.severity) ||
    a.firstSeenAt.localeCompare(b.firstSeenAt)
  );
}
