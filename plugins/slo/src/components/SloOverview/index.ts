export { SloOverviewTab } from './SloOverviewTab';
