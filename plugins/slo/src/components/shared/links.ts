import { useRouteRef } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../../routes';

/** The SLOs page's tabs, as in `?tab=`. */
export type SloTab = 'platform' | 'slos';

/**
 * Links into the SLOs page: a tab, or one SLO (`?tab=slos&slo=<id>`).
 * Undefined when the page is not part of the app.
 */
export function useSloPageLink():
  | ((target: { tab?: SloTab; slo?: string }) => string)
  | undefined {
  const root = useRouteRef(rootRouteRef);
  if (!root) return undefined;
  return ({ tab, slo }) => {
    const params = new URLSearchParams();
    params.set('tab', tab ?? 'slos');
    if (slo) params.set('slo', slo);
    return `${root()}?${params}`;
  };
}
