export { GatesTab } from './GatesTab';
