/**
 * What the visitor's pages keep: the history (`storage.local`, never for incognito tabs) and the guide's
 * marks per tab. History keeps origin + path only (never the query: it can hold tokens), bounded in count and bytes.
 */
import type { Incident } from '../../model/incident';
import { defineItem, defineTabItem } from '../schema/item';
import { arrayOf, entriesOf, oneOf, token } from '../schema/validate';
import { storedUrl } from '../net/url';
import { parseIncident } from '../incident/stored';
import type { GuideMarks } from '../../model/tab';

export const HISTORY_LIMIT = 500;
/** The whole history stays under this many bytes of JSON (the newest entries are kept). */
export const HISTORY_MAX_BYTES = 256 * 1024;
export const HISTORY_URL_MAX = 512;

/** What history keeps of a URL: origin and path, capped; never the query (it can hold tokens). */
export function historyUrl(raw: unknown): string | undefined {
  const url = storedUrl(raw, Number.MAX_SAFE_INTEGER);
  if (!url) return undefined;
  const { origin, pathname } = new URL(url);
  // Parsed again after the cut: a cut that ends in `/.` or `/..` would otherwise change on every read.
  const cut = new URL((origin + pathname).slice(0, HISTORY_URL_MAX));
  return cut.origin + cut.pathname;
}

/** What history keeps of an incident: the same record with its URL cut to origin + path. */
export const historyEntry = (incident: unknown): Incident | undefined => parseIncident(incident, historyUrl);

/**
 * A stored history, newest first: entries that do not parse are dropped (the others stay), at
 * most HISTORY_LIMIT of them and HISTORY_MAX_BYTES of JSON in all, the newest kept.
 */
export function parseHistory(value: unknown): Incident[] {
  const parsed = arrayOf(value, historyEntry, HISTORY_LIMIT * 4) ?? [];
  parsed.sort((a, b) => b.time - a.time);
  return boundHistory(parsed);
}

/** The newest entries that fit the count and byte bounds. */
export function boundHistory(list: readonly Incident[], maxBytes = HISTORY_MAX_BYTES): Incident[] {
  const out: Incident[] = [];
  let bytes = 2;
  for (const entry of list.slice(0, HISTORY_LIMIT)) {
    bytes += JSON.stringify(entry).length + 1;
    if (bytes > maxBytes) break;
    out.push(entry);
  }
  return out;
}

/**
 * The history with `incident` added first, or `undefined` (nothing to write) when it has no entry to keep
 * or is there already: recording it again after the worker was stopped halfway adds no second entry.
 */
export function appendEntry(history: readonly Incident[], incident: Incident): Incident[] | undefined {
  const entry = historyEntry(incident);
  if (!entry || history.some((e) => e.time === entry.time && e.host === entry.host && e.url === entry.url)) return undefined;
  return boundHistory([entry, ...history]);
}

/** The history page: the history without the incident of `host` at `time`. */
export const withoutEntry = (history: readonly Incident[], time: number, host: string): Incident[] =>
  history.filter((i) => i.time !== time || i.host !== host);

/** Newest first, bounded; from 0.1.0 (version 1) re-validated and cut to origin + path, removed when nothing is left. */
export const historyItem = defineItem({
  name: 'history',
  key: 'history',
  area: 'local',
  parse: parseHistory,
  bound: { entries: HISTORY_LIMIT, bytes: HISTORY_MAX_BYTES, strings: HISTORY_URL_MAX },
  fallback: [] as Incident[],
  version: 2,
  migrations: {
    2: (old: unknown) => {
      const history = parseHistory(old);
      return history.length ? history : undefined;
    },
  },
  onWriteFailure: 'log',
  // The local area is full: history is the only thing in it that grows; keep its newer half.
  onQuota: (history: Incident[]) => history.slice(0, Math.floor(history.length / 2)),
});

export function parseGuideMarks(value: unknown): GuideMarks {
  const out: GuideMarks = {};
  for (const [step, mark] of entriesOf(value, 100) ?? []) {
    const id = token(step, /^[A-Za-z0-9_-]+$/, 100);
    const kind = oneOf(mark, ['done', 'failed'] as const);
    if (id && kind) out[id] = kind;
  }
  return out;
}

export const guideMarksItem = defineTabItem('guide', {
  parse: parseGuideMarks,
  bound: { entries: 100 },
  fallback: {} as GuideMarks,
  version: 2,
  onWriteFailure: 'log',
});
