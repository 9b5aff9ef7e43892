import { Link, Table, type TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  packageOf,
  type AdvisorySummary,
  type VexStatement,
  type Vulnerability,
} from '@internal/plugin-inventory-common';

export { packageOf };
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

/** A VEX state or justification in words: `code_not_reachable` → "code not reachable". */
export const inWords = (value: string) => value.replace(/_/g, ' ');

/** The state of a VEX statement that leaves its match shown ("in triage", "exploitable"). */
export function VexChip(props: { vex?: VexStatement }) {
  const { vex } = props;
  if (!vex) return null;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={inWords(vex.state)}
      title={vex.detail}
      style={
        vex.state === 'exploitable'
          ? { borderColor: '#c62828', color: '#c62828' }
          : undefined
      }
    />
  );
}

/** Matches a VEX statement hides, each with what was stated and why. */
export function HiddenByVex(props: {
  items: Vulnerability[];
  showComponent?: boolean;
}) {
  const { items, showComponent } = props;
  const columns: TableColumn<Vulnerability>[] = [
    { title: 'Advisory', render: v => <AdvisoryIds advisory={v.advisory} /> },
    { title: 'Package', render: v => packageOf(v.purl) },
  ];
  if (showComponent)
    columns.push({
      title: 'Component',
      render: v => (
        <EntityRefLink entityRef={v.entityRef} defaultKind="component" />
      ),
    });
  columns.push(
    {
      title: 'Statement',
      render: v => (
        <>
          <strong>{inWords(v.vex!.state)}</strong>
          {v.vex!.justification && `: ${inWords(v.vex!.justification)}`}
          {v.vex!.detail && (
            <div style={{ fontSize: '0.8em', opacity: 0.8 }}>
              {v.vex!.detail}
            </div>
          )}
        </>
      ),
    },
    { title: 'Stated', render: v => formatDay(v.vex!.statedAt) },
  );
  return (
    <Table<Vulnerability>
      title="Hidden by VEX statements"
      subtitle={`${items.length} match${
        items.length === 1 ? '' : 'es'
      } the owners stated do not affect them`}
      data={items}
      options={{
        paging: items.length > 50,
        pageSize: 50,
        padding: 'dense',
        search: false,
      }}
      columns={columns}
    />
  );
}
