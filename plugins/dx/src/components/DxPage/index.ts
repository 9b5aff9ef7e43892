export { DxPage } from './DxPage';
