import { useCallback, useEffect, useMemo } from 'react';
import {
  EmptyState,
  InfoCard,
  MarkdownContent,
  Progress,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  useApi,
  useAppLocation,
  useAppSearchParams,
} from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityDocs } from '@internal/plugin-repository-docs-common';
import { ErrorInWords } from '@internal/portal-react';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import useAsync from 'react-use/esm/useAsync';
import { repositoryDocsApiRef } from '../../api';
import { isMarkdownPath, resolveDocsTarget } from './docsLinks';
import { useDocsAssets } from './useDocsAssets';

/** The query parameter holding the file shown, so a file can be linked to. */
const DOC_PARAM = 'doc';

function DocsFileView(props: {
  entityRef: string;
  docs: EntityDocs;
  path: string;
}) {
  const { entityRef, docs, path } = props;
  const api = useApi(repositoryDocsApiRef);
  const location = useAppLocation();
  const imageUrl = useDocsAssets(entityRef);
  const { value, loading, error } = useAsync(
    () => api.getDocsFile(entityRef, path),
    [api, entityRef, path],
  );

  const known = useMemo(
    () => new Set(docs.files.map(f => f.path)),
    [docs.files],
  );
  const hrefOf = useCallback(
    (docPath: string, hash: string) =>
      `${location.pathname}?${new URLSearchParams({
        [DOC_PARAM]: docPath,
      })}${hash}`,
    [location.pathname],
  );

  // Links: other Markdown files of the repository switch the file shown,
  // http(s) and mailto links stay as they are, and everything else
  // (javascript:, data:, files without a viewer) is rendered as plain text.
  const transformLinkUri = useCallback(
    (href: string) => {
      const target = resolveDocsTarget(path, href);
      switch (target.kind) {
        case 'external':
          return target.href;
        case 'anchor':
          return hrefOf(path, target.hash);
        case 'repository':
          return isMarkdownPath(target.path) && known.has(target.path)
            ? hrefOf(target.path, target.hash)
            : '';
        default:
          return '';
      }
    },
    [path, known, hrefOf],
  );

  // Images: those of the repository through the API, http(s) ones as they are.
  const transformImageUri = useCallback(
    (src: string) => {
      const target = resolveDocsTarget(path, src);
      if (target.kind === 'repository') return imageUrl(target.path);
      if (target.kind === 'external' && /^https?:/i.test(target.href)) {
        return target.href;
      }
      return '';
    },
    [path, imageUrl],
  );

  // Follow `#heading` once the file is shown.
  useEffect(() => {
    if (!location.hash || !value) return undefined;
    const timer = setTimeout(() => {
      const id = decodeURIComponent(location.hash.slice(1));
      document.getElementById(id)?.scrollIntoView?.();
    }, 50);
    return () => clearTimeout(timer);
  }, [location.hash, value]);

  const title = docs.files.find(f => f.path === path)?.title ?? path;
  return (
    <InfoCard title={title} subheader={`${docs.repository}: ${path}`}>
      {loading && <Progress />}
      {error && (
        <ErrorInWords error={error} what={`${path} could not be loaded`} />
      )}
      {value && !loading && (
        <MarkdownContent
          content={value.markdown}
          dialect="gfm"
          transformLinkUri={transformLinkUri}
          transformImageUri={transformImageUri}
        />
      )}
    </InfoCard>
  );
}

/**
 * The README and `docs/**.md` of the repository the entity was discovered
 * in, as read at its last ingestion: a file list and the selected file.
 */
export function EntityDocsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(repositoryDocsApiRef);
  const [searchParams, setSearchParams] = useAppSearchParams();
  const { value, loading, error } = useAsync(
    () => api.getEntityDocs(entityRef),
    [api, entityRef],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="The docs of this repository could not be loaded"
      />
    );
  }
  if (!value || value.files.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No docs in this repository"
        description={`Commit a README.md, or Markdown files under docs/, to ${
          value?.repository ?? 'the repository'
        }: they are shown here after the next ingestion run.`}
      />
    );
  }

  const selected = searchParams.get(DOC_PARAM) || value.files[0].path;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={3}>
        <InfoCard
          title="Files"
          subheader={
            value.commit ? `at ${value.commit.slice(0, 12)}` : undefined
          }
          noPadding
        >
          <List dense component="nav" aria-label="Docs files">
            {value.files.map(file => (
              <ListItem
                button
                key={file.path}
                selected={file.path === selected}
                onClick={() => setSearchParams({ [DOC_PARAM]: file.path })}
              >
                <ListItemText primary={file.title} secondary={file.path} />
              </ListItem>
            ))}
          </List>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={9}>
        <DocsFileView entityRef={entityRef} docs={value} path={selected} />
      </Grid>
    </Grid>
  );
}
