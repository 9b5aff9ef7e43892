export { PlatformHealthTab } from './PlatformHealthTab';
