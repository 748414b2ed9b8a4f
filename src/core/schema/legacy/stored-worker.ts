/** Re-exports for the callers not yet moved to the typed items (scripts/refactor/storage-calls.mjs moves them). */
export { parseHeardFailure, parseResponse, parseSoftTimes, parseSubframes, type HeardFailure } from '../../incident/stored';
export { storedVersion } from '../version';
