import type { IngestionProblem } from '@internal/plugin-catalog-ingestion-common';
import { Table, TableColumn } from '@backstage/core-components';
import { formatLocation } from './format';

type Column = 'source' | 'repository' | 'location' | 'entity' | 'message';

const allColumns: Record<Column, TableColumn<IngestionProblem>> = {
  source: { title: 'Source', field: 'sourceId' },
  repository: {
    title: 'Repository',
    field: 'repository',
    emptyValue: '—',
  },
  location: {
    title: 'File',
    customSort: (a, b) =>
      formatLocation(a).localeCompare(formatLocation(b), undefined, {
        numeric: true,
      }),
    render: p => <code>{formatLocation(p)}</code>,
  },
  entity: { title: 'Entity', field: 'entityRef', emptyValue: '—' },
  message: { title: 'Message', field: 'message', width: '45%' },
};

/** A table of ingestion problems with the chosen columns. */
export function ProblemsTable(props: {
  title?: string;
  problems: IngestionProblem[];
  columns: Column[];
  emptyContent?: JSX.Element;
  paging?: boolean;
}) {
  const { problems, columns, title, emptyContent, paging = true } = props;
  return (
    <Table<IngestionProblem>
      title={title}
      data={problems}
      columns={columns.map(c => allColumns[c])}
      emptyContent={emptyContent}
      options={{
        search: paging,
        paging: paging && problems.length > 20,
        pageSize: 20,
        padding: 'dense',
        toolbar: Boolean(title) || paging,
      }}
    />
  );
}
