export { EntityVulnerabilitiesContent } from './EntityVulnerabilitiesContent';
