/**
 * Everything Downcheck keeps in browser storage, described once: the key of each record, the
 * schema version, the bounds, and a pure validator per record. Storage can hold anything (a record
 * written by an older version, a hand-edited profile, a bug): each `parse*` turns what was read
 * into a valid record or `undefined` ("absent"), and never throws. `src/platform/storage.ts` is
 * the only code that reads and writes these keys.
 *
 * A field added to a stored type must be added to its validator too, or it is dropped on read:
 * the `satisfies Record<keyof T, true>` field lists below make the type checker say so.
 */
import type { Incident, IncidentEnd, NetErrorCategory, Platform, PlatformId, Reprobe, SupportReference } from '../../../model/incident';
import type { Msg } from '../../../model/message-text';
import type { Recovery, RetryRecord, RetrySchedule, WatchRecord } from '../../../model/retry';
import type { GuideMarks } from '../../../model/tab';
import { HISTORY_VERDICT_IDS } from '../../../model/verdict';
import { arrayOf, entriesOf, intIn, isRecord, numberIn, oneOf, text, token } from '../validate';
import { SESSION_URL_MAX, storedUrl } from '../../net/url';

// In url.ts (pages compare URLs as storage keeps them, without loading the validators); part of what storage describes.
export { SESSION_URL_MAX, storedUrl };

// ── keys ────────────────────────────────────────────────────────────────────────────────────

/**
 * 1 = 0.1.0 (no version stored). 2 = validated, bounded records; history keeps origin + path only;
 * settings carry `savedAt` and `storage.local` holds the authoritative copy.
 */
export const SCHEMA_VERSION = 2;

/** `storage.local` (and `storage.sync` for settings): kept across browser restarts. */
export const LOCAL_KEYS = Object.freeze({
  schema: 'schema',
  history: 'history',
  settings: 'settings',
  consent: 'consent',
});

/** `storage.session`'s keys of the worker's own (in stored-keys.ts: pages that watch storage need them and nothing else from here). */
export { SESSION_KEYS } from './stored-keys';

/**
 * `consent-asked`: the incident (its time) for which the visitor answered the popup's consent question "not now".
 * `recording`: the time of an incident being recorded (history, retry, badge); gone once done, so a
 * worker stopped halfway finishes the job when it starts again.
 * `failure`: a failure the browser reported by an event (a network error), noted the moment it
 * arrived and gone once it is recorded; the browser sends no event again to a worker stopped in between.
 * `errorpage`: the address of a browser error page found without an incident at a worker start and
 * looked into once (see detect-navigation.ts reconcileTabs), so it is not asked about again.
 * `form-commit`: the address of a form submission the tab committed (Chrome builds, platform/navigation.ts),
 * so a worker started again still takes that page as a possible POST; gone at the tab's next commit.
 */
export type TabRecord =
  | 'incident'
  | 'subframes'
  | 'response'
  | 'diagnosis'
  | 'guide'
  | 'recovered'
  | 'soft'
  | 'consent-asked'
  | 'recording'
  | 'failure'
  | 'errorpage'
  | 'form-commit';

/** Every per-tab record, so forgetting a tab forgets all of it. */
export const TAB_RECORDS: readonly TabRecord[] = [
  'incident',
  'subframes',
  'response',
  'diagnosis',
  'guide',
  'recovered',
  'soft',
  'consent-asked',
  'recording',
  'failure',
  'errorpage',
  'form-commit',
];

export const tabKey = (record: TabRecord, tabId: number): string => `${record}:${tabId}`;
/** "Check any site" (a typed host, no tab) has one diagnosis of its own per window kind: private windows never share it. */
export const SITE_DIAGNOSIS_KEY = 'diagnosis:site';
export const PRIVATE_SITE_DIAGNOSIS_KEY = 'diagnosis:site-private';
/** Which "check any site" diagnosis: a normal window's or a private one's. */
export type SiteCheck = 'site' | 'site-private';
export const RETRY_PREFIX = 'retry:';
export const retryKey = (origin: string): string => RETRY_PREFIX + origin;
/** "Tell me when it's back": one watch per origin (core/retry/watch.ts). */
export const WATCH_PREFIX = 'watch:';
export const watchKey = (origin: string): string => WATCH_PREFIX + origin;

// ── bounds ──────────────────────────────────────────────────────────────────────────────────

export const HISTORY_LIMIT = 500;
/** The whole history stays under this many bytes of JSON (the newest entries are kept). */
export const HISTORY_MAX_BYTES = 256 * 1024;
export const HISTORY_URL_MAX = 512;
export const SUBFRAME_LIMIT = 20;
const MAX_TIME = 8.64e15;
const MAX_HEADERS = 32;
const MAX_TABS = 1000;

/** What history keeps of a URL: origin and path, capped; never the query (it can hold tokens). */
export function historyUrl(raw: unknown): string | undefined {
  const url = storedUrl(raw, Number.MAX_SAFE_INTEGER);
  if (!url) return undefined;
  const { origin, pathname } = new URL(url);
  // Parsed again after the cut: a cut that ends in `/.` or `/..` would otherwise change on every read.
  const cut = new URL((origin + pathname).slice(0, HISTORY_URL_MAX));
  return cut.origin + cut.pathname;
}

// ── small parsers ───────────────────────────────────────────────────────────────────────────

export const time = (value: unknown): number | undefined => numberIn(value, 0, MAX_TIME);
const tabId = (value: unknown): number | undefined => intIn(value, 0, Number.MAX_SAFE_INTEGER);
const host = (value: unknown): string | undefined => token(value, /^[^\s/?#@]+$/, 255);

export function parseMsg(value: unknown): Msg | undefined {
  if (!isRecord(value)) return undefined;
  const key = token(value.key, /^[A-Za-z0-9_]+$/, 100);
  if (!key) return undefined;
  const subs = arrayOf(value.subs, (s) => text(s, 500), 8);
  return subs ? { key, subs } : { key };
}

/** Copies into `out` the optional fields that parse; a field that does not is left out. */
export function optional<T extends object>(out: T, fields: { [K in keyof T]?: unknown }): T {
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) (out as Record<string, unknown>)[name] = value;
  return out;
}

// ── incident and history ────────────────────────────────────────────────────────────────────

const NET_ERRORS: readonly NetErrorCategory[] = ['dns', 'refused', 'reset', 'timed-out', 'tls', 'offline', 'other'];
const PLATFORM_IDS: readonly PlatformId[] = [
  'cloudflare',
  'cloudfront',
  'alb',
  'fastly',
  'akamai',
  'varnish',
  'nginx',
  'apache',
  'google',
  'azure-front-door',
  'vercel',
  'netlify',
  'heroku',
];

const INCIDENT_FIELDS = {
  kind: true,
  url: true,
  host: true,
  status: true,
  netError: true,
  rawError: true,
  meaning: true,
  explanation: true,
  severity: true,
  retryable: true,
  fault: true,
  platform: true,
  reference: true,
  retryAfter: true,
  headers: true,
  ip: true,
  proxied: true,
  reprobe: true,
  method: true,
  time: true,
  badge: true,
  end: true,
  verdict: true,
} as const satisfies Record<keyof Incident, true>;
export const INCIDENT_FIELD_NAMES = Object.keys(INCIDENT_FIELDS);

function parsePlatform(value: unknown): Platform | undefined {
  if (!isRecord(value)) return undefined;
  const id = oneOf(value.id, PLATFORM_IDS);
  const name = text(value.name, 64);
  if (!id || !name) return undefined;
  return optional<Platform>({ id, name }, { pop: text(value.pop, 32) || undefined });
}

function parseReference(value: unknown): SupportReference | undefined {
  if (!isRecord(value)) return undefined;
  const kind = text(value.kind, 64);
  const ref = text(value.value, 256);
  return kind && ref ? { kind, value: ref } : undefined;
}

function parseReprobe(value: unknown): Reprobe | undefined {
  if (!isRecord(value)) return undefined;
  const status = intIn(value.status, 0, 999);
  const at = time(value.at);
  if (status === undefined || typeof value.redirected !== 'boolean' || at === undefined) return undefined;
  return { status, redirected: value.redirected, at };
}

function parseHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of entriesOf(value, MAX_HEADERS) ?? []) {
    const key = token(name, /^[a-z0-9-]+$/, 64);
    const val = text(v, 1024);
    if (key && val !== undefined) out[key] = val;
  }
  return out;
}

/** How a history entry ended: a known way, at a time not before the incident's (else left out). */
function parseEnd(value: unknown, since: number): IncidentEnd | undefined {
  if (!isRecord(value)) return undefined;
  const how = oneOf(value.how, ['came-back', 'retried', 'gave-up'] as const);
  const at = time(value.at);
  return how && at !== undefined && at >= since ? { how, at } : undefined;
}

/** A stored incident, or `undefined` when a field it cannot do without is missing or wrong. */
export function parseIncident(value: unknown, urlOf: (url: unknown) => string | undefined = storedUrl): Incident | undefined {
  if (!isRecord(value)) return undefined;
  const kind = oneOf(value.kind, ['http', 'network', 'soft'] as const);
  const url = urlOf(value.url);
  const h = host(value.host);
  const meaning = parseMsg(value.meaning);
  const explanation = parseMsg(value.explanation);
  const severity = oneOf(value.severity, ['critical', 'warning'] as const);
  const fault = oneOf(value.fault, ['origin', 'gateway', 'dns', 'you', 'unknown'] as const);
  // The method decides whether a page may be loaded again: never guessed.
  const method = token(value.method, /^[A-Z]{1,16}$/, 16);
  const at = time(value.time);
  const badge = text(value.badge, 8);
  if (!kind || !url || !h || !meaning || !explanation || !severity || !fault || !method) return undefined;
  if (at === undefined || badge === undefined || typeof value.retryable !== 'boolean') return undefined;
  return optional<Incident>(
    {
      kind,
      url,
      host: h.toLowerCase(),
      meaning,
      explanation,
      severity,
      retryable: value.retryable,
      fault,
      headers: parseHeaders(value.headers),
      method,
      time: at,
      badge,
    },
    {
      status: intIn(value.status, 0, 999),
      netError: oneOf(value.netError, NET_ERRORS),
      rawError: text(value.rawError, 256),
      platform: parsePlatform(value.platform),
      reference: parseReference(value.reference),
      retryAfter: text(value.retryAfter, 256),
      ip: token(value.ip, /^[0-9A-Fa-f.:[\]%a-z]+$/, 64),
      proxied: value.proxied === true ? true : undefined,
      reprobe: parseReprobe(value.reprobe),
      end: parseEnd(value.end, at),
      verdict: oneOf(value.verdict, HISTORY_VERDICT_IDS),
    },
  );
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

// ── per-tab records ─────────────────────────────────────────────────────────────────────────

/** When a tab's last soft incidents were recorded (epoch ms; core/incident/soft-limit.ts rate-limits them). */
export const SOFT_TIMES_LIMIT = 10;

export function parseGuideMarks(value: unknown): GuideMarks {
  const out: GuideMarks = {};
  for (const [step, mark] of entriesOf(value, 100) ?? []) {
    const id = token(step, /^[A-Za-z0-9_-]+$/, 100);
    const kind = oneOf(mark, ['done', 'failed'] as const);
    if (id && kind) out[id] = kind;
  }
  return out;
}

const RECOVERY_FIELDS = { url: true, host: true, at: true, downSince: true, probes: true } as const satisfies Record<keyof Recovery, true>;
export const RECOVERY_FIELD_NAMES = Object.keys(RECOVERY_FIELDS);

export function parseRecovery(value: unknown): Recovery | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  const h = host(value.host);
  const at = time(value.at);
  const downSince = time(value.downSince);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!url || !h || at === undefined || downSince === undefined || probes === undefined) return undefined;
  return { url, host: h, at, downSince, probes };
}

// ── retry schedules ─────────────────────────────────────────────────────────────────────────

const SCHEDULE_FIELDS = {
  origin: true,
  startedAt: true,
  attempt: true,
  nextAt: true,
  notBefore: true,
  pausedOfflineSince: true,
  giveUpAt: true,
} as const satisfies Record<keyof RetrySchedule, true>;
const RETRY_FIELDS = {
  origin: true,
  probeUrl: true,
  tabs: true,
  schedule: true,
  state: true,
  probes: true,
  lastProbe: true,
  recoveries: true,
  recoveredAt: true,
} as const satisfies Record<keyof RetryRecord, true>;
export const RETRY_FIELD_NAMES = [...Object.keys(RETRY_FIELDS), ...Object.keys(SCHEDULE_FIELDS).map((f) => `schedule.${f}`)];

const nullableTime = (value: unknown): number | null | undefined => (value === null ? null : time(value));

function parseSchedule(value: unknown, origin: string): RetrySchedule | undefined {
  if (!isRecord(value) || value.origin !== origin) return undefined;
  const startedAt = time(value.startedAt);
  const attempt = intIn(value.attempt, 0, 1_000_000);
  const nextAt = time(value.nextAt);
  const notBefore = time(value.notBefore);
  const pausedOfflineSince = nullableTime(value.pausedOfflineSince);
  const giveUpAt = nullableTime(value.giveUpAt);
  if (startedAt === undefined || attempt === undefined || nextAt === undefined || notBefore === undefined) return undefined;
  if (pausedOfflineSince === undefined || giveUpAt === undefined) return undefined;
  return { origin, startedAt, attempt, nextAt, notBefore, pausedOfflineSince, giveUpAt };
}

type LastProbe = NonNullable<RetryRecord['lastProbe']>;

/** A schedule's last probe (retry and watch records): when, and what it got; `undefined` without a valid time. */
function parseLastProbe(value: unknown): LastProbe | undefined {
  const at = isRecord(value) ? time(value.at) : undefined;
  if (!isRecord(value) || at === undefined) return undefined;
  return optional<LastProbe>(
    { at },
    {
      status: intIn(value.status, 0, 999),
      error: text(value.error, 256),
      redirect: value.redirect === true ? (true as const) : undefined,
      verdict: oneOf(value.verdict, ['back', 'answers', 'failing'] as const),
    },
  );
}

export function parseRetryRecord(value: unknown): RetryRecord | undefined {
  if (!isRecord(value)) return undefined;
  const origin = typeof value.origin === 'string' && value.origin.length <= 300 ? value.origin : undefined;
  // An origin is its own URL's origin: `https://shop.example:8443`, nothing more.
  if (!origin || storedUrl(origin) === undefined || new URL(origin).origin !== origin) return undefined;
  const probeUrl = storedUrl(value.probeUrl);
  const tabs = arrayOf(value.tabs, tabId, MAX_TABS);
  const schedule = parseSchedule(value.schedule, origin);
  const state = oneOf(value.state, ['waiting', 'offline', 'gave-up', 'recovered', 'page-fails'] as const);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!probeUrl || !tabs || !schedule || !state || probes === undefined) return undefined;
  const record: RetryRecord = { origin, probeUrl, tabs: [...new Set(tabs)], schedule, state, probes };
  const lastProbe = parseLastProbe(value.lastProbe);
  if (lastProbe) record.lastProbe = lastProbe;
  const recoveries = intIn(value.recoveries, 0, 1000);
  const recoveredAt = time(value.recoveredAt);
  if (recoveries !== undefined) record.recoveries = recoveries;
  if (recoveredAt !== undefined) record.recoveredAt = recoveredAt;
  return record;
}

// ── watched sites ───────────────────────────────────────────────────────────────────────────

export function parseWatch(value: unknown): WatchRecord | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  let origin: string | undefined;
  try {
    origin = url ? new URL(url).origin : undefined;
  } catch {
    origin = undefined;
  }
  const host = text(value.host, 255);
  const schedule = origin ? parseSchedule(value.schedule, origin) : undefined;
  const state = oneOf(value.state, ['watching', 'offline', 'back', 'gave-up'] as const);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!url || !host || !schedule || !state || probes === undefined) return undefined;
  const record: WatchRecord = { host, url, schedule, state, probes };
  // A watch's probes follow no redirect of their own to note: that field is not kept.
  const last = parseLastProbe(value.lastProbe);
  if (last) {
    const { redirect: _redirect, ...lastProbe } = last;
    record.lastProbe = lastProbe;
  }
  const endedAt = time(value.endedAt);
  if (endedAt !== undefined) record.endedAt = endedAt;
  if (value.notified === true) record.notified = true;
  if (value.private === true) record.private = true;
  return record;
}

// ── records kept per origin ──────────────────────────────────────────────────────────────────

/** A kind of record kept once per origin (`<prefix><origin>`): retry schedules, watches. */
export interface PerOrigin<T> {
  prefix: string;
  parse: (value: unknown) => T | undefined;
  /** The origin a valid record belongs to: a record stored under another origin's key is not read. */
  originOf: (record: T) => string;
}

export const RETRY_RECORDS: PerOrigin<RetryRecord> = { prefix: RETRY_PREFIX, parse: parseRetryRecord, originOf: (r) => r.origin };
export const WATCH_RECORDS: PerOrigin<WatchRecord> = { prefix: WATCH_PREFIX, parse: parseWatch, originOf: (r) => r.schedule.origin };

// ── schema version and migration ────────────────────────────────────────────────────────────

export interface Migration {
  set: Record<string, unknown>;
  remove: string[];
}
