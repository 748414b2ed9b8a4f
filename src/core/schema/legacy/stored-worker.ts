/**
 * Validators for what only the background reads back (sub-frame failures, the last response, soft
 * incident times) and the schema migration; apart from stored.ts, which the popup loads.
 */
import type { HeardFailure } from '../../../model/tab';
import {
  LOCAL_KEYS,
  optional,
  parseHistory,
  SCHEMA_VERSION,
  SUBFRAME_LIMIT,
  SOFT_TIMES_LIMIT,
  storedUrl,
  time,
  type Migration,
} from './stored';
import type { ResponseNote, SubframeFailure } from '../../../model/tab';
import { arrayOf, intIn, isRecord, oneOf, text, token } from '../validate';

function parseSubframe(value: unknown): SubframeFailure | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url, 2048);
  const at = time(value.time);
  if (!url || at === undefined) return undefined;
  return optional<SubframeFailure>({ url, time: at }, { status: intIn(value.status, 0, 999), error: text(value.error, 256) });
}

export const parseSubframes = (value: unknown): SubframeFailure[] => arrayOf(value, parseSubframe, SUBFRAME_LIMIT) ?? [];

export function parseResponse(value: unknown): ResponseNote | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  const status = intIn(value.status, 0, 999);
  const at = time(value.at);
  return url && status !== undefined && at !== undefined ? { url, status, at } : undefined;
}

export function parseHeardFailure(value: unknown): HeardFailure | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  const error = token(value.error, /^[A-Za-z0-9_:.-]+$/, 100);
  const method = oneOf(value.method, ['GET', 'POST'] as const);
  const at = time(value.time);
  return url && error && method && at !== undefined ? { url, error, method, time: at } : undefined;
}

export const parseSoftTimes = (value: unknown): number[] => arrayOf(value, time, SOFT_TIMES_LIMIT) ?? [];

/** The version `storage.local` was written by: 1 (0.1.0) when none is stored; `undefined` for garbage. */
export function storedVersion(value: unknown): number | undefined {
  if (value === undefined) return 1;
  return intIn(value, 1, 1_000_000);
}

/**
 * What to write to bring `storage.local` (the items as read) up to SCHEMA_VERSION. Pure: the
 * platform applies it. Unknown or newer versions are left alone (every read validates anyway).
 */
export function migrateLocal(items: Readonly<Record<string, unknown>>): Migration {
  const version = storedVersion(items[LOCAL_KEYS.schema]);
  if (version === SCHEMA_VERSION || (version !== undefined && version > SCHEMA_VERSION)) return { set: {}, remove: [] };
  // From 0.1.0 (or an unreadable version): history re-validated and cut to origin + path.
  const set: Record<string, unknown> = { [LOCAL_KEYS.schema]: SCHEMA_VERSION };
  const remove: string[] = [];
  if (LOCAL_KEYS.history in items) {
    const history = parseHistory(items[LOCAL_KEYS.history]);
    if (history.length) set[LOCAL_KEYS.history] = history;
    else remove.push(LOCAL_KEYS.history);
  }
  return { set, remove };
}
