import { CodeSnippet, EmptyState } from '@backstage/core-components';

const exampleConfig = `catalog:
  ingestion:
    sources:
      - id: local-repos      # lower-case, shown on this page
        type: local          # a directory of git repositories
        path: ../../data/repos`;

/** What to do when no ingestion source is configured. */
export function NoSourcesEmptyState() {
  return (
    <EmptyState
      missing="info"
      title="No ingestion sources configured"
      description={
        <>
          The catalog discovers repositories from the sources listed under{' '}
          <code>catalog.ingestion.sources</code> in <code>app-config.yaml</code>
          . Add one and restart the backend; its runs and problems then appear
          here.
        </>
      }
      action={<CodeSnippet language="yaml" text={exampleConfig} />}
    />
  );
}
