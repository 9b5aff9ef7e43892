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

/** A descriptor of one Component (a service of team-a, in production). */
export const componentDescriptor = (
  name: string,
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;
