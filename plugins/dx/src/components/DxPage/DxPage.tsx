import { Content } from '@backstage/core-components';
import {
  useAppLocation,
  useAppSearchParams,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { goldenPathSurveyRouteRef } from '../../routes';
import { AdoptionTab } from '../Adoption/AdoptionTab';
import { DefinitionsTab } from '../Definitions/DefinitionsTab';
import { GoldenPathsTab } from '../GoldenPaths/GoldenPathsTab';
import { OnboardingTab } from '../Onboarding/OnboardingTab';
import { ScorecardsTab } from '../Scorecards/ScorecardsTab';
import { useDxParams } from '../shared/params';
import { RangeSelect } from '../shared/RangeSelect';
import { GoldenPathSurvey } from '../Surveys/GoldenPathSurvey';
import { SurveysTab } from '../Surveys/SurveysTab';
import { DeliveryTab } from './DeliveryTab';
import { ScopeSelect } from './ScopeSelect';

const TABS = [
  { id: 'delivery', label: 'Delivery (DORA)' },
  { id: 'golden-paths', label: 'Golden paths vs the rest' },
  { id: 'adoption', label: 'Adoption' },
  { id: 'scorecards', label: 'Scorecards' },
  { id: 'onboarding', label: 'Onboarding' },
  { id: 'surveys', label: 'Surveys' },
  { id: 'definitions', label: 'Definitions' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const trim = (path: string) => path.replace(/\/+$/, '');

/** Whether the location is the golden-path survey (`/dx/survey/golden-path`). */
function useIsGoldenPathSurvey(): boolean {
  const { pathname } = useAppLocation();
  const surveyPath = useRouteRef(goldenPathSurveyRouteRef)?.();
  if (surveyPath) return trim(pathname) === trim(surveyPath);
  return trim(pathname).endsWith('/survey/golden-path');
}

/**
 * DX metrics for platform teams: the organisation or one team over the
 * last 30, 90 or 180 days, beside the period before. Tab, scope, range and
 * an open drill-down are in the URL (`?tab=&owner=&days=&drill=`).
 */
export function DxPage() {
  const params = useDxParams();
  const [searchParams] = useAppSearchParams();
  const isSurvey = useIsGoldenPathSurvey();
  if (isSurvey) {
    return (
      <Content>
        <GoldenPathSurvey taskId={searchParams.get('taskId') ?? undefined} />
      </Content>
    );
  }

  const { owner, range, days, drill, previousLabel } = params;
  const selected: TabId = TABS.find(t => t.id === params.tab)?.id ?? TABS[0].id;
  let element: JSX.Element;
  switch (selected) {
    case 'golden-paths':
      element = <GoldenPathsTab range={range} />;
      break;
    case 'adoption':
      element = (
        <AdoptionTab
          owner={owner}
          range={range}
          previousLabel={previousLabel}
          drill={drill}
          onDrill={params.setDrill}
        />
      );
      break;
    case 'scorecards':
      element = <ScorecardsTab owner={owner} range={range} />;
      break;
    case 'onboarding':
      element = (
        <OnboardingTab
          owner={owner}
          range={range}
          previousLabel={previousLabel}
        />
      );
      break;
    case 'surveys':
      element = <SurveysTab owner={owner} />;
      break;
    case 'definitions':
      element = <DefinitionsTab />;
      break;
    default:
      element = (
        <DeliveryTab
          owner={owner}
          range={range}
          previousLabel={previousLabel}
          drill={drill}
          onDrill={params.setDrill}
        />
      );
  }

  return (
    <Content>
      <Box display="flex" flexWrap="wrap" mb={1} style={{ gap: 16 }}>
        <ScopeSelect owner={owner} onChange={params.setOwner} />
        {/* Survey results come for whole periods, chosen per survey. */}
        {selected !== 'surveys' && (
          <RangeSelect days={days} onChange={params.setDays} />
        )}
      </Box>
      <Box mb={2}>
        <Tabs
          value={selected}
          onChange={(_event, value: TabId) => params.setTab(value)}
          indicatorColor="primary"
          textColor="primary"
          variant="scrollable"
          aria-label="DX metrics"
        >
          {TABS.map(t => (
            <Tab
              key={t.id}
              value={t.id}
              label={t.label}
              id={`dx-tab-${t.id}`}
              aria-controls={`dx-tabpanel-${t.id}`}
            />
          ))}
        </Tabs>
      </Box>
      <div
        role="tabpanel"
        id={`dx-tabpanel-${selected}`}
        aria-labelledby={`dx-tab-${selected}`}
      >
        {element}
      </div>
    </Content>
  );
}
