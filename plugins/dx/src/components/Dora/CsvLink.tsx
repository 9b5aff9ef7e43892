import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DoraQuery } from '../../api';

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
 * "Download CSV": a link to `/metrics/dora.csv` with the same parameters.
 * A click fetches it with the user's token (a plain link would carry none)
 * and saves it.
 */
export function CsvLink(props: { query: DoraQuery }) {
  const { query } = props;
  const api = useApi(dxApiRef);
  const [error, setError] = useState<string>();
  const { value: href } = useAsync(
    () => api.getDoraCsvUrl(query),
    [api, query.entityRef, query.owner, query.from, query.to, query.timeZone],
  );
  return (
    <>
      <Link
        href={href ?? '#'}
        download="dora.csv"
        onClick={(e: React.MouseEvent) => {
          if (typeof URL.createObjectURL !== 'function') return;
          e.preventDefault();
          setError(undefined);
          api
            .getDoraCsv(query)
            .then(text => save(text, 'dora.csv'))
            .catch((err: Error) => setError(err.message));
        }}
      >
        Download CSV
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
