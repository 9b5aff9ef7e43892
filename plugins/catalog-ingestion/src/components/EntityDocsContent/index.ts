export { EntityDocsContent } from './EntityDocsContent';
