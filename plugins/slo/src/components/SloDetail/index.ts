export { SloDetailContent, SloDetailView } from './SloDetailView';
