/**
 * The one place that reads and writes browser storage. Keys, bounds and validators live in
 * `core/schema/legacy/stored.ts` (pure); this file only moves validated records in and out:
 * - `storage.session` (survives the worker being stopped, not a browser restart): per-tab
 *   records, retry schedules, the outside services' budgets and the evidence cache;
 * - `storage.local`: history (never for incognito tabs), settings, consent, the schema version;
 * - `storage.sync`: a best-effort copy of the settings (see readSettings).
 * Everything read back is validated: a record that does not parse is absent, never a crash. A
 * full storage area is trimmed and the write tried again; it never stops detection.
 */
import { browser } from './browser';
import type { Incident, IncidentEnd } from '../model/incident';
import { withEnd, withVerdict } from '../core/present/history';
import type { HistoryVerdictId } from '../model/verdict';
import type { Recovery, RetryRecord, WatchRecord } from '../model/retry';
import type { DiagnosisRecord } from '../model/diagnosis';
import { validateConsent } from '../core/settings/consent';
import type { Consent, Settings } from '../model/settings';
import { validateSettings } from '../core/settings/settings';
import {
  boundHistory,
  historyEntry,
  LOCAL_KEYS,
  parseGuideMarks,
  parseHistory,
  parseIncident,
  parseRecovery,
  parseRetryRecord,
  parseWatch,
  RETRY_RECORDS,
  retryKey,
  SCHEMA_VERSION,
  storedUrl,
  SUBFRAME_LIMIT,
  TAB_RECORDS,
  tabKey,
  type TabRecord,
  type SiteCheck,
  WATCH_RECORDS,
  watchKey,
  type PerOrigin,
} from '../core/schema/legacy/stored';
import type { GuideMarks, ResponseNote, SubframeFailure, HeardFailure } from '../model/tab';
import { migrateLocal, parseHeardFailure, parseResponse, parseSoftTimes, parseSubframes } from '../core/schema/legacy/stored-worker';
import { parseDiagnosis } from '../core/diagnosis/evidence-parse';
import { keyedLock } from '../core/async/concurrency';
import { diagnosisKey, get, set, setOptional } from './storage-base';

export * from './storage-base';

// ── per-tab records ─────────────────────────────────────────────────────────────────────────

export async function writeIncident(tabId: number, incident: Incident): Promise<void> {
  const valid = parseIncident(incident);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid incident');
  await set('session', { [tabKey('incident', tabId)]: valid });
}

/**
 * The incident and the mark that recording it is under way, in one write: either both are stored
 * or neither. `endRecording` removes the mark once history, retry and badge are done.
 */
export async function beginRecording(tabId: number, incident: Incident): Promise<void> {
  const valid = parseIncident(incident);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid incident');
  await set('session', { [tabKey('incident', tabId)]: valid, [tabKey('recording', tabId)]: valid.time });
}

export async function endRecording(tabId: number): Promise<void> {
  await browser.storage.session.remove(tabKey('recording', tabId));
}

/**
 * Notes a failure the moment its event arrives: the write leaves before this returns (no await
 * comes first), so a worker stopped while recording it leaves the note for resumeFailures().
 */
export function noteFailure(tabId: number, failure: HeardFailure): Promise<void> {
  const valid = parseHeardFailure(failure);
  if (!valid) return Promise.resolve();
  return set('session', { [tabKey('failure', tabId)]: valid });
}

export async function forgetFailure(tabId: number): Promise<void> {
  await browser.storage.session.remove(tabKey('failure', tabId));
}

/** The browser error page last looked into in this tab (reconcileTabs), if any. */
export async function readErrorPageSeen(tabId: number): Promise<string | undefined> {
  return storedUrl(await get('session', tabKey('errorpage', tabId)));
}

export async function markErrorPageSeen(tabId: number, url: string): Promise<void> {
  const valid = storedUrl(url);
  if (valid) await setOptional('session', { [tabKey('errorpage', tabId)]: valid });
}

/** The address of the form submission the tab committed last, if its next commit did not come yet (platform/navigation.ts). */
export async function readFormCommit(tabId: number): Promise<string | undefined> {
  return storedUrl(await get('session', tabKey('form-commit', tabId)));
}

export async function writeFormCommit(tabId: number, url: string): Promise<void> {
  const valid = storedUrl(url);
  if (valid) await set('session', { [tabKey('form-commit', tabId)]: valid });
}

export async function removeFormCommit(tabId: number): Promise<void> {
  await browser.storage.session.remove(tabKey('form-commit', tabId));
}

/** Every noted failure that was not recorded (or not yet), by tab. */
export async function heardFailures(): Promise<Array<[number, HeardFailure | undefined]>> {
  const ids = (await tabsWithRecords()).get('failure') ?? [];
  const all = await browser.storage.session.get(ids.map((id) => tabKey('failure', id)));
  return ids.map((id) => [id, parseHeardFailure(all[tabKey('failure', id)])]);
}

/** Tab ids that have records in `storage.session`, per kind of record (`incident`, `recording`, `diagnosis`, …). */
export async function tabsWithRecords(): Promise<Map<TabRecord, number[]>> {
  const out = new Map<TabRecord, number[]>();
  for (const key of Object.keys(await browser.storage.session.get(null))) {
    const [kind, id] = key.split(':');
    if (!TAB_RECORDS.includes(kind as TabRecord) || !/^\d{1,15}$/.test(id ?? '')) continue;
    out.set(kind as TabRecord, [...(out.get(kind as TabRecord) ?? []), Number(id)]);
  }
  return out;
}

export async function removeIncident(tabId: number): Promise<void> {
  await browser.storage.session.remove(tabKey('incident', tabId));
}

/** Sub-frame failures are kept for the diagnosis but never make the page an incident. */
export async function readSubframeFailures(tabId: number): Promise<SubframeFailure[]> {
  return parseSubframes(await get('session', tabKey('subframes', tabId)));
}

export async function appendSubframeFailure(tabId: number, entry: SubframeFailure): Promise<void> {
  const list = parseSubframes([entry, ...(await readSubframeFailures(tabId))]);
  await setOptional('session', { [tabKey('subframes', tabId)]: list.slice(0, SUBFRAME_LIMIT) });
}

/** The last healthy main-frame response of a tab (tells a soft error from a real one). */
export async function readResponse(tabId: number): Promise<ResponseNote | undefined> {
  return parseResponse(await get('session', tabKey('response', tabId)));
}

export async function writeResponse(tabId: number, note: ResponseNote): Promise<void> {
  const valid = parseResponse(note);
  if (valid) await setOptional('session', { [tabKey('response', tabId)]: valid });
}

export async function removeResponse(tabId: number): Promise<void> {
  await browser.storage.session.remove(tabKey('response', tabId));
}

/** When the tab's last soft incidents were recorded (they are rate-limited per tab). */
export async function readSoftTimes(tabId: number): Promise<number[]> {
  return parseSoftTimes(await get('session', tabKey('soft', tabId)));
}

export async function writeSoftTimes(tabId: number, times: number[]): Promise<void> {
  await set('session', { [tabKey('soft', tabId)]: parseSoftTimes(times.slice(-10)) });
}

/** Never throws: a diagnosis that cannot be saved must not stop the checks. */
export async function writeDiagnosis(tabId: number | SiteCheck, record: DiagnosisRecord): Promise<void> {
  const valid = parseDiagnosis(record);
  if (valid) await setOptional('session', { [diagnosisKey(tabId)]: valid });
}

export async function removeDiagnosis(tabId: number | SiteCheck): Promise<void> {
  await browser.storage.session.remove(diagnosisKey(tabId));
}

export async function writeGuideMarks(tabId: number, marks: GuideMarks): Promise<void> {
  await setOptional('session', { [tabKey('guide', tabId)]: parseGuideMarks(marks) });
}

export async function writeRecovery(tabId: number, recovery: Recovery): Promise<void> {
  const valid = parseRecovery(recovery);
  if (valid) await setOptional('session', { [tabKey('recovered', tabId)]: valid });
}

/** Everything kept about a closed tab. */
export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove(TAB_RECORDS.map((record) => tabKey(record, tabId)));
}

// ── watched sites (one per origin) ──────────────────────────────────────────────────────────

export async function writeWatch(record: WatchRecord): Promise<void> {
  const valid = parseWatch(record);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid watch');
  await set('session', { [watchKey(valid.schedule.origin)]: valid });
}

export async function removeWatch(origin: string): Promise<void> {
  await browser.storage.session.remove(watchKey(origin));
}

export const allWatches = (): Promise<WatchRecord[]> => allPerOrigin(WATCH_RECORDS);

// ── retry schedules (one per failing origin) ────────────────────────────────────────────────

export async function writeRetry(record: RetryRecord): Promise<void> {
  const valid = parseRetryRecord(record);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid retry schedule');
  await set('session', { [retryKey(valid.origin)]: valid });
}

export async function removeRetry(origin: string): Promise<void> {
  await browser.storage.session.remove(retryKey(origin));
}

export const allRetries = (): Promise<RetryRecord[]> => allPerOrigin(RETRY_RECORDS);

/** Every valid record of `kind`, each stored under its own origin's key. */
async function allPerOrigin<T>(kind: PerOrigin<T>): Promise<T[]> {
  const all = await browser.storage.session.get(null);
  const out: T[] = [];
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(kind.prefix)) continue;
    const record = kind.parse(value);
    if (record && kind.prefix + kind.originOf(record) === key) out.push(record);
  }
  return out;
}

// ── history (storage.local) ─────────────────────────────────────────────────────────────────

/**
 * Every change to the history list reads it, then writes it whole: two incidents recorded at the
 * same moment (many tabs failing together) would each write the list without the other's entry.
 * Changes made in this context run one after another.
 */
const withHistoryLock = keyedLock<'history'>();
const changeHistory = (task: () => Promise<void>): Promise<void> => withHistoryLock('history', task);

export async function readHistory(): Promise<Incident[]> {
  return parseHistory(await get('local', LOCAL_KEYS.history));
}

/** The history page: forget one incident (by its time and host), or all of them. */
export function removeHistoryEntry(time: number, host: string): Promise<void> {
  return changeHistory(async () => {
    const list = (await readHistory()).filter((i) => i.time !== time || i.host !== host);
    await set('local', { [LOCAL_KEYS.history]: list });
  });
}

export function clearHistory(): Promise<void> {
  return changeHistory(() => browser.storage.local.remove(LOCAL_KEYS.history));
}

/** The visitor's consent changed (popup, first-run page, settings): old and new value, validated. */
export function onConsentChanged(listener: (before: Consent | undefined, after: Consent) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[LOCAL_KEYS.consent];
    if (area !== 'local' || !change) return;
    listener(change.oldValue === undefined ? undefined : validateConsent(change.oldValue), validateConsent(change.newValue));
  });
}

export function onHistoryChanged(listener: () => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string): void => {
    if (area === 'local' && LOCAL_KEYS.history in changes) listener();
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/**
 * Records how the history entry of `host` at `time` ended (only its first ending). An incognito tab's incident
 * has no entry, so nothing is written for it. Never throws: history is never worth breaking a retry for.
 */
export async function endHistoryEntry(host: string, time: number, end: IncidentEnd): Promise<void> {
  await changeHistoryEntry((history) => withEnd(history, host, time, end));
}

/** Records the verdict of the diagnosis of the history entry of `host` at `time` (none for incognito tabs). Never throws. */
export async function noteHistoryVerdict(host: string, time: number, verdict: HistoryVerdictId): Promise<void> {
  await changeHistoryEntry((history) => withVerdict(history, host, time, verdict));
}

/** One entry changed under the history's lock (an append at the same moment is never lost); `undefined`: nothing to write. */
const changeHistoryEntry = (change: (history: Incident[]) => Incident[] | undefined): Promise<void> =>
  changeHistory(async () => {
    const list = change(await readHistory());
    if (list) await set('local', { [LOCAL_KEYS.history]: list });
  }).catch((error: unknown) => console.warn('Downcheck history:', error));

/**
 * Newest first, bounded in count and bytes, URLs cut to origin + path. Callers must not call this
 * for incognito tabs. Never throws: a full disk costs history entries, never detection.
 */
export async function appendHistory(incident: Incident): Promise<void> {
  const entry = historyEntry(incident);
  if (!entry) return;
  await changeHistory(async () => {
    const stored = await readHistory();
    // Recording it again after the worker was stopped halfway (record.ts resumeTabs) adds no second entry.
    if (stored.some((e) => e.time === entry.time && e.host === entry.host && e.url === entry.url)) return;
    const list = boundHistory([entry, ...stored]);
    await set('local', { [LOCAL_KEYS.history]: list });
  }).catch((error: unknown) => console.warn('Downcheck history:', error));
}

// ── consent (storage.local) ─────────────────────────────────────────────────────────────────

// ── settings (storage.local, copied to storage.sync) ────────────────────────────────────────

export async function writeSettings(settings: Settings): Promise<void> {
  const stored = { ...validateSettings(settings), savedAt: Date.now() };
  await set('local', { [LOCAL_KEYS.settings]: stored });
  try {
    await browser.storage.sync?.set({ [LOCAL_KEYS.settings]: stored });
  } catch {
    // Too big for one sync item, or sync is off: the local copy is the newer one and wins on read.
  }
}

// ── schema version ──────────────────────────────────────────────────────────────────────────

/** At every worker start: brings what an older version stored up to the current schema. */
export async function migrateStorage(): Promise<void> {
  const { [LOCAL_KEYS.schema]: version } = await browser.storage.local.get(LOCAL_KEYS.schema);
  if (version === SCHEMA_VERSION) return; // the common case: nothing to read beyond the version
  // It may rewrite the history list while the first incidents are appended to it.
  await changeHistory(async () => {
    const items = await browser.storage.local.get([LOCAL_KEYS.schema, LOCAL_KEYS.history]);
    const { set: updates, remove } = migrateLocal(items);
    if (remove.length) await browser.storage.local.remove(remove);
    if (Object.keys(updates).length) await set('local', updates);
  });
}
