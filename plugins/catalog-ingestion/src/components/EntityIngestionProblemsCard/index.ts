export { EntityIngestionProblemsCard } from './EntityIngestionProblemsCard';
