export { EntityDependenciesContent } from './EntityDependenciesContent';
