/**
 * Pure helpers shared by the portal's plugin families.
 *
 * @packageDocumentation
 */
export { formatDuration, formatWait } from './duration';
export { median, percentile } from './percentile';
export { asService, getPluginJson } from './pluginApi';
export type {
  PluginClientOptions,
  PluginRequestOptions,
  ServiceAuth,
} from './pluginApi';
