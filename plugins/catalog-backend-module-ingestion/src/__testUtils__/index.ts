/*
 * Test helpers of catalog ingestion, for the tests of the modules that
 * extend it: `@internal/plugin-catalog-backend-module-ingestion/testUtils`.
 */
export {
  MANUAL_SCHEDULE,
  noRepositoriesConfig,
  startIngestionBackend,
  type TestKnex,
} from './startIngestionBackend';
export {
  commitFiles,
  commitFolderAsRepository,
  createRepo,
  git,
  type FileSpec,
} from './git';
export { startGithubStandIn, startGitlabStandIn } from './scmStandIns';
