export { DependenciesPage } from './DependenciesPage';
