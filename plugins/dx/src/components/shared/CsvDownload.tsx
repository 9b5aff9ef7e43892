import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { errorInWords } from '@internal/portal-react';
import { dxApiRef } from '../../api';

/** Saves text as a file through a temporary object URL. */
function save(text: string, name: string) {
  const blob = new Blob([text], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/**
 * The name a downloaded CSV gets: what it is, whose (the team or entity
 * name, else `organisation`) and when (the range's days, or the period),
 * e.g. `dora_team-a_2026-09-08_2026-12-07.csv`.
 */
export function csvFileName(
  what: string,
  query: {
    owner?: string;
    entityRef?: string;
    from?: string | Date;
    to?: string | Date;
    period?: string;
  },
): string {
  const ref = query.entityRef ?? query.owner;
  const scope = ref ? ref.slice(ref.lastIndexOf('/') + 1) : 'organisation';
  const day = (d: string | Date) =>
    (typeof d === 'string' ? d : d.toISOString()).slice(0, 10);
  let when = day(new Date());
  if (query.period) when = query.period;
  else if (query.from && query.to) when = `${day(query.from)}_${day(query.to)}`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${safe(what)}_${safe(scope)}_${safe(when)}.csv`;
}

/**
 * "Download CSV": a link to a CSV of the DX API with the same parameters as
 * the numbers shown (`url`). A click fetches it with the user's token (a
 * plain link would carry none, `load`) and saves it. `id` changes when the
 * parameters do.
 */
export function CsvDownload(props: {
  id: string;
  url: () => Promise<string>;
  load: () => Promise<string>;
  filename: string;
  label?: string;
}) {
  const { filename, url, load } = props;
  const [error, setError] = useState<string>();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { value: href } = useAsync(url, [props.id]);
  return (
    <>
      <Link
        href={href ?? '#'}
        download={filename}
        onClick={(e: React.MouseEvent) => {
          if (typeof URL.createObjectURL !== 'function') return;
          e.preventDefault();
          setError(undefined);
          load()
            .then(text => save(text, filename))
            .catch((err: unknown) => setError(errorInWords(err)));
        }}
      >
        {props.label ?? 'Download CSV'}
      </Link>
      {error && (
        <Typography variant="caption" color="error" role="alert">
          {' '}
          The CSV could not be downloaded: {error}
        </Typography>
      )}
    </>
  );
}

/**
 * {@link CsvDownload} of a CSV path of the DX API with its parameters,
 * saved as {@link csvFileName} of `what` and the query.
 */
export function ApiCsvDownload(props: {
  path: string;
  query: Record<string, string | undefined>;
  what: string;
  label?: string;
}) {
  const api = useApi(dxApiRef);
  const { path, query } = props;
  return (
    <CsvDownload
      id={`${path}?${JSON.stringify(query)}`}
      url={() => api.getCsvUrl(path, query)}
      load={() => api.getCsv(path, query)}
      filename={csvFileName(props.what, query)}
      label={props.label}
    />
  );
}
