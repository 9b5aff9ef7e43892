import { useApi } from '@backstage/frontend-plugin-api';
import { dxApiRef, type DoraQuery } from '../../api';
import { CsvDownload, csvFileName } from '../shared/CsvDownload';

/** "Download CSV" of the four keys: `/metrics/dora.csv` with the same parameters. */
export function CsvLink(props: { query: DoraQuery }) {
  const { query } = props;
  const api = useApi(dxApiRef);
  return (
    <CsvDownload
      id={JSON.stringify(query)}
      url={() => api.getDoraCsvUrl(query)}
      load={() => api.getDoraCsv(query)}
      filename={csvFileName('dora', query)}
    />
  );
}
