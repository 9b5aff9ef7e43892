import { Content, Link } from '@backstage/core-components';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { PlatformHealthTab } from '../PlatformHealth';
import { SloDetailView } from '../SloDetail';
import { SloOverviewTab } from '../SloOverview';
import { useSloPageLink, type SloTab } from '../shared/links';

const tabs: ReadonlyArray<{ id: SloTab; label: string; element: JSX.Element }> =
  [
    {
      id: 'platform',
      label: 'Platform health',
      element: <PlatformHealthTab />,
    },
    { id: 'slos', label: 'All SLOs', element: <SloOverviewTab /> },
  ];

/**
 * SLOs: the platform's own health and the overview of every SLO. The tab is
 * in the URL (`?tab=platform|slos`), and so is an open SLO (`&slo=<id>`), so
 * each view can be linked to.
 */
export function SloPage() {
  const [searchParams, setSearchParams] = useAppSearchParams();
  const pageLink = useSloPageLink();
  const requested = searchParams.get('tab');
  const selected = tabs.find(t => t.id === requested) ?? tabs[0];
  const sloId = searchParams.get('slo');

  return (
    <Content>
      <Box mb={2}>
        <Tabs
          value={selected.id}
          onChange={(_event, value: SloTab) => setSearchParams({ tab: value })}
          indicatorColor="primary"
          textColor="primary"
          aria-label="SLOs"
        >
          {tabs.map(t => (
            <Tab
              key={t.id}
              value={t.id}
              label={t.label}
              id={`slo-tab-${t.id}`}
              aria-controls={`slo-tabpanel-${t.id}`}
            />
          ))}
        </Tabs>
      </Box>
      <div
        role="tabpanel"
        id={`slo-tabpanel-${selected.id}`}
        aria-labelledby={`slo-tab-${selected.id}`}
      >
        {sloId ? (
          <>
            {pageLink && (
              <Box mb={2}>
                <Link to={pageLink({ tab: selected.id })}>
                  ← Back to {selected.label}
                </Link>
              </Box>
            )}
            <SloDetailView
              id={sloId}
              onDeleted={() => setSearchParams({ tab: selected.id })}
            />
          </>
        ) : (
          selected.element
        )}
      </div>
    </Content>
  );
}
