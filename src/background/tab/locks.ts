/**
 * Serialises work on one key: a response, a title change and a URL change of the same
 * navigation can arrive together, and each reads then writes that tab's incident; the same goes
 * for an origin's retry record. The locks hold only in-flight promises, never state that must
 * survive the worker.
 */
import { keyedLock } from '../../core/async/concurrency';

export const withTabLock = keyedLock<number>();
export const withOriginLock = keyedLock<string>();
