/** Re-exports for callers not yet moved to the typed items (scripts/refactor/storage-calls.mjs moves them, deletes this folder). */
export { SESSION_URL_MAX, storedUrl } from '../../net/url';
export { SCHEMA_VERSION, type Migration } from '../version';
export { optional, parseMsg, time } from '../fields';
export {
  INCIDENT_FIELD_NAMES,
  parseIncident,
  SOFT_TIMES_LIMIT,
  SUBFRAME_LIMIT,
  type ResponseNote,
  type SubframeFailure,
} from '../../incident/stored';
export {
  boundHistory,
  HISTORY_LIMIT,
  HISTORY_MAX_BYTES,
  HISTORY_URL_MAX,
  historyEntry,
  historyUrl,
  parseGuideMarks,
  parseHistory,
  type GuideMarks,
} from '../../present/stored';
export { parseRecovery, parseRetryRecord, parseWatch, RECOVERY_FIELD_NAMES, RETRY_FIELD_NAMES, type WatchRecord } from '../../retry/stored';
export type { SiteCheck } from '../../diagnosis/stored';
