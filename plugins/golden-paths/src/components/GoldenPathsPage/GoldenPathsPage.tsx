import { Content } from '@backstage/core-components';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { GatesTab } from '../GatesTab';
import { RunsTab } from '../RunsTab';
import { TemplatesTab } from '../TemplatesTab';

const tabs = [
  { id: 'gates', label: 'Golden gates', element: <GatesTab /> },
  { id: 'runs', label: 'My runs', element: <RunsTab /> },
  { id: 'templates', label: 'Template versions', element: <TemplatesTab /> },
] as const;

type TabId = (typeof tabs)[number]['id'];

/**
 * Golden paths: golden gates (review queue, my requests, their cost), my
 * runs (with retry), and template versions. The tab is in the URL
 * (`?tab=gates|runs|templates`), so it can be linked to.
 */
export function GoldenPathsPage() {
  const [searchParams, setSearchParams] = useAppSearchParams();
  const requested = searchParams.get('tab');
  const current: TabId = tabs.some(t => t.id === requested)
    ? (requested as TabId)
    : 'gates';
  const selected = tabs.find(t => t.id === current)!;

  return (
    <Content>
      <Box mb={2}>
        <Tabs
          value={current}
          onChange={(_event, value: TabId) => setSearchParams({ tab: value })}
          indicatorColor="primary"
          textColor="primary"
          aria-label="Golden paths"
        >
          {tabs.map(t => (
            <Tab
              key={t.id}
              value={t.id}
              label={t.label}
              id={`golden-paths-tab-${t.id}`}
              aria-controls={`golden-paths-tabpanel-${t.id}`}
            />
          ))}
        </Tabs>
      </Box>
      <div
        role="tabpanel"
        id={`golden-paths-tabpanel-${current}`}
        aria-labelledby={`golden-paths-tab-${current}`}
      >
        {selected.element}
      </div>
    </Content>
  );
}
