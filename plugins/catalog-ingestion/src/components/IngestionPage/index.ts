export { IngestionPage } from './IngestionPage';
