/**
 * The incident records kept per tab in `storage.session`, and their validators: whatever storage holds
 * (an older version's record, a hand-edited profile, a bug) reads as a valid record or absent, never a throw.
 * A field added to a stored type must be added to its validator too: the field lists make the type checker say so.
 */
import {
  NET_ERROR_CATEGORIES,
  PLATFORM_IDS,
  type Incident,
  type IncidentEnd,
  type Platform,
  type Reprobe,
  type SupportReference,
} from '../../model/incident';
import { defineTabItem } from '../schema/item';
import { host, optional, parseMsg, time } from '../schema/fields';
import { arrayOf, entriesOf, intIn, isRecord, oneOf, text, token } from '../schema/validate';
import { storedUrl } from '../net/url';
import { HISTORY_VERDICT_IDS } from '../../model/verdict';
import type { SubframeFailure, ResponseNote, HeardFailure } from '../../model/tab';

const MAX_HEADERS = 32;

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
      netError: oneOf(value.netError, NET_ERROR_CATEGORIES),
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

// ── what else is kept per tab ──────────────────────────────────────────────────────────────────

export const SUBFRAME_LIMIT = 20;
/** When a tab's last soft incidents were recorded (epoch ms; core/incident/soft-limit.ts rate-limits them). */
export const SOFT_TIMES_LIMIT = 10;

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

/** The newest SOFT_TIMES_LIMIT times (they are appended, so the last ones). */
export const parseSoftTimes = (value: unknown): number[] =>
  arrayOf(Array.isArray(value) ? value.slice(-SOFT_TIMES_LIMIT) : value, time, SOFT_TIMES_LIMIT) ?? [];

// ── the items ──────────────────────────────────────────────────────────────────────────────────

/** The tab's incident: what detection, retry, the badge, the popup and the panel run on. */
export const incidentItem = defineTabItem('incident', { parse: parseIncident, version: 2, onWriteFailure: 'throw', workerOwned: true });

/**
 * The time of an incident being recorded (history, retry, badge), written with the incident in one write
 * and gone once done: a worker stopped halfway finishes the job when it starts again.
 */
export const recordingItem = defineTabItem('recording', { parse: time, version: 2, onWriteFailure: 'throw' });

/** A failure the browser reported by an event, noted the moment it arrived; gone once recorded (no event comes again). */
export const failureItem = defineTabItem('failure', {
  parse: parseHeardFailure,
  version: 2,
  onWriteFailure: 'throw',
  skipInvalid: true,
});

/** A browser error page found without an incident at a worker start and looked into once (reconcileTabs). */
export const errorPageItem = defineTabItem('errorpage', { parse: storedUrl, version: 2, onWriteFailure: 'log', skipInvalid: true });

/** The form submission the tab committed (Chrome builds, platform/navigation.ts): a restarted worker still sees a POST. */
export const formCommitItem = defineTabItem('form-commit', {
  parse: storedUrl,
  version: 2,
  onWriteFailure: 'throw',
  skipInvalid: true,
});

/** The last healthy main-frame response (tells a soft error from a real one). */
export const responseItem = defineTabItem('response', { parse: parseResponse, version: 2, onWriteFailure: 'log', skipInvalid: true });

/** When the tab's last soft incidents were recorded (they are rate-limited per tab). */
export const softTimesItem = defineTabItem('soft', {
  parse: parseSoftTimes,
  bound: { entries: SOFT_TIMES_LIMIT },
  fallback: [] as number[],
  version: 2,
  onWriteFailure: 'throw',
});

/** Sub-frame failures, kept for the diagnosis; they never make the page an incident. Newest first. */
export const subframesItem = defineTabItem('subframes', {
  parse: parseSubframes,
  bound: { entries: SUBFRAME_LIMIT },
  fallback: [] as SubframeFailure[],
  version: 2,
  onWriteFailure: 'log',
  onQuota: 'drop',
});
