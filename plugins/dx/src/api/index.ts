export { dxApiRef } from './DxApi';
export type {
  DoraQuery,
  DxApi,
  DxEvent,
  DxEventFilter,
  DxRange,
  DxScope,
  UnmappedReason,
} from './DxApi';
export { DxClient } from './DxClient';
