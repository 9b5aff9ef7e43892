export { goldenPathsApiRef } from './GoldenPathsApi';
export type { GateApproval, GateList, GoldenPathsApi } from './GoldenPathsApi';
export { GoldenPathsClient } from './GoldenPathsClient';
