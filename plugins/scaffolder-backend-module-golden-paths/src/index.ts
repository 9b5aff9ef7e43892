/**
 * Scaffolder module of the portal's golden paths: the policy check and
 * golden gates, publishing to local git repositories, and registration in
 * the catalog that is visible at once.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGoldenPaths as default } from './module';
