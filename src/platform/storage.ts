/**
 * The one place that reads and writes browser storage. Keys, bounds and validators live in
 * `core/stored.ts` (pure); this file only moves validated records in and out:
 * - `storage.session` (survives the worker being stopped, not a browser restart): per-tab
 *   records, retry schedules, the outside services' budgets and the evidence cache;
 * - `storage.local`: history (never for incognito tabs), settings, consent, the schema version;
 * - `storage.sync`: a best-effort copy of the settings (see readSettings).
 * Everything read back is validated: a record that does not parse is absent, never a crash. A
 * full storage area is trimmed and the write tried again; it never stops detection.
 */
import { browser } from './browser';
import type { Incident, IncidentEnd } from '../shared/incident';
import { withEnd } from '../core/history';
import type { Recovery, RetryRecord } from '../shared/retry';
import type { DiagnosisRecord } from '../shared/diagnosis';
import { validateConsent, type Consent } from '../core/consent';
import { pickSettings, validateSettings, type Settings } from '../core/settings';
import {
  boundHistory,
  historyEntry,
  LOCAL_KEYS,
  migrateLocal,
  parseGuideMarks,
  parseHistory,
  parseIncident,
  parseRecovery,
  parseResponse,
  parseRetryRecord,
  parseSoftTimes,
  parseSubframes,
  RETRY_PREFIX,
  retryKey,
  SCHEMA_VERSION,
  SESSION_KEYS,
  SITE_DIAGNOSIS_KEY,
  SUBFRAME_LIMIT,
  TAB_RECORDS,
  tabKey,
  type GuideMarks,
  type ResponseNote,
  type SubframeFailure,
} from '../core/stored';
import { parseDiagnosis, parseEvidenceCache, parseLimits, type StoredBucket, type StoredCacheEntry } from '../core/stored-evidence';

export type { GuideMarks, ResponseNote, SubframeFailure };

type AreaName = 'local' | 'session';
const area = (name: AreaName): typeof browser.storage.local => browser.storage[name];

async function get(name: AreaName, key: string): Promise<unknown> {
  const got = await area(name).get(key);
  return got[key];
}

/** Chrome: "QUOTA_BYTES quota exceeded"; Firefox: QuotaExceededError. */
export function isQuotaError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /quota/i.test(text);
}

/**
 * Writes `items`; when the area is full, frees what can be rebuilt (`trim`) and tries once more.
 * Per-tab and schedule records are what detection and auto-retry run on: those writes throw if
 * they still fail; the optional ones (diagnosis progress, caches) only log.
 */
async function set(name: AreaName, items: Record<string, unknown>): Promise<void> {
  try {
    await area(name).set(items);
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    await (name === 'session' ? trimSession() : trimLocal());
    await area(name).set(items);
  }
}

async function setOptional(name: AreaName, items: Record<string, unknown>): Promise<void> {
  await set(name, items).catch((error: unknown) => console.warn('Downcheck storage:', error));
}

/** The session area is full: drop what is only there to save work (caches, diagnoses, sub-frame notes). */
async function trimSession(): Promise<void> {
  const all = await browser.storage.session.get(null);
  const optional = Object.keys(all).filter(
    (key) => key === SESSION_KEYS.evidenceCache || key.startsWith('diagnosis:') || key.startsWith('subframes:'),
  );
  if (optional.length) await browser.storage.session.remove(optional);
}

/** The local area is full: history is the only thing in it that grows; keep its newer half. */
async function trimLocal(): Promise<void> {
  const history = parseHistory(await get('local', LOCAL_KEYS.history));
  await browser.storage.local.set({ [LOCAL_KEYS.history]: history.slice(0, Math.floor(history.length / 2)) });
}

// ── per-tab records ─────────────────────────────────────────────────────────────────────────

/** Per-tab incident: `storage.session` so it survives the worker being stopped but not a browser restart. */
export async function readIncident(tabId: number): Promise<Incident | undefined> {
  return parseIncident(await get('session', tabKey('incident', tabId)));
}

export async function writeIncident(tabId: number, incident: Incident): Promise<void> {
  const valid = parseIncident(incident);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid incident');
  await set('session', { [tabKey('incident', tabId)]: valid });
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

const diagnosisKey = (tabId: number | 'site'): string => (tabId === 'site' ? SITE_DIAGNOSIS_KEY : tabKey('diagnosis', tabId));

/** A diagnosis in progress or done, per tab (or `'site'` for "check any site"). */
export async function readDiagnosis(tabId: number | 'site'): Promise<DiagnosisRecord | undefined> {
  return parseDiagnosis(await get('session', diagnosisKey(tabId)));
}

/** Never throws: a diagnosis that cannot be saved must not stop the checks. */
export async function writeDiagnosis(tabId: number | 'site', record: DiagnosisRecord): Promise<void> {
  const valid = parseDiagnosis(record);
  if (valid) await setOptional('session', { [diagnosisKey(tabId)]: valid });
}

export async function removeDiagnosis(tabId: number | 'site'): Promise<void> {
  await browser.storage.session.remove(diagnosisKey(tabId));
}

export async function readGuideMarks(tabId: number): Promise<GuideMarks> {
  return parseGuideMarks(await get('session', tabKey('guide', tabId)));
}

export async function writeGuideMarks(tabId: number, marks: GuideMarks): Promise<void> {
  await setOptional('session', { [tabKey('guide', tabId)]: parseGuideMarks(marks) });
}

/** The incident (its time) for which the visitor said "not now" to the consent question: asked once per incident. */
export async function readConsentAsked(tabId: number): Promise<number | undefined> {
  const value = await get('session', tabKey('consent-asked', tabId));
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export async function writeConsentAsked(tabId: number, incidentTime: number): Promise<void> {
  await setOptional('session', { [tabKey('consent-asked', tabId)]: incidentTime });
}

/** Set when Downcheck brought a tab back; read by the popup ("back after 4 min"). */
export async function readRecovery(tabId: number): Promise<Recovery | undefined> {
  return parseRecovery(await get('session', tabKey('recovered', tabId)));
}

export async function writeRecovery(tabId: number, recovery: Recovery): Promise<void> {
  const valid = parseRecovery(recovery);
  if (valid) await setOptional('session', { [tabKey('recovered', tabId)]: valid });
}

/** Everything kept about a closed tab. */
export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove(TAB_RECORDS.map((record) => tabKey(record, tabId)));
}

// ── retry schedules (one per failing origin) ────────────────────────────────────────────────

export async function readRetry(origin: string): Promise<RetryRecord | undefined> {
  const record = parseRetryRecord(await get('session', retryKey(origin)));
  return record?.origin === origin ? record : undefined;
}

export async function writeRetry(record: RetryRecord): Promise<void> {
  const valid = parseRetryRecord(record);
  if (!valid) throw new Error('Downcheck: refusing to store an invalid retry schedule');
  await set('session', { [retryKey(valid.origin)]: valid });
}

export async function removeRetry(origin: string): Promise<void> {
  await browser.storage.session.remove(retryKey(origin));
}

export async function allRetries(): Promise<RetryRecord[]> {
  const all = await browser.storage.session.get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith(RETRY_PREFIX))
    .map(([key, value]) => {
      const record = parseRetryRecord(value);
      return record && retryKey(record.origin) === key ? record : undefined;
    })
    .filter((record): record is RetryRecord => record !== undefined);
}

// ── outside services' budgets and evidence cache ────────────────────────────────────────────

export async function readLimits(): Promise<Record<string, StoredBucket>> {
  return parseLimits(await get('session', SESSION_KEYS.limits));
}

export async function writeLimits(state: Record<string, StoredBucket>): Promise<void> {
  await setOptional('session', { [SESSION_KEYS.limits]: parseLimits(state) });
}

export async function readEvidenceCache(): Promise<Record<string, StoredCacheEntry>> {
  return parseEvidenceCache(await get('session', SESSION_KEYS.evidenceCache));
}

export async function writeEvidenceCache(state: Record<string, StoredCacheEntry>): Promise<void> {
  await setOptional('session', { [SESSION_KEYS.evidenceCache]: parseEvidenceCache(state) });
}

// ── history (storage.local) ─────────────────────────────────────────────────────────────────

export async function readHistory(): Promise<Incident[]> {
  return parseHistory(await get('local', LOCAL_KEYS.history));
}

/** The history page: forget one incident (by its time and host), or all of them. */
export async function removeHistoryEntry(time: number, host: string): Promise<void> {
  const list = (await readHistory()).filter((i) => i.time !== time || i.host !== host);
  await set('local', { [LOCAL_KEYS.history]: list });
}

export async function clearHistory(): Promise<void> {
  await browser.storage.local.remove(LOCAL_KEYS.history);
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
  try {
    const list = withEnd(await readHistory(), host, time, end);
    if (list) await set('local', { [LOCAL_KEYS.history]: list });
  } catch (error) {
    console.warn('Downcheck history:', error);
  }
}

/**
 * Newest first, bounded in count and bytes, URLs cut to origin + path. Callers must not call this
 * for incognito tabs. Never throws: a full disk costs history entries, never detection.
 */
export async function appendHistory(incident: Incident): Promise<void> {
  const entry = historyEntry(incident);
  if (!entry) return;
  try {
    const list = boundHistory([entry, ...(await readHistory())]);
    await set('local', { [LOCAL_KEYS.history]: list });
  } catch (error) {
    console.warn('Downcheck history:', error);
  }
}

// ── consent (storage.local) ─────────────────────────────────────────────────────────────────

/**
 * The visitor's per-source consent, kept on this device only: agreeing to tell third parties
 * which sites you visit is a decision for this browser, not one to sync.
 */
export async function readConsent(): Promise<Consent> {
  return validateConsent(await get('local', LOCAL_KEYS.consent));
}

export async function writeConsent(consent: Consent): Promise<void> {
  await set('local', { [LOCAL_KEYS.consent]: validateConsent(consent) });
}

// ── settings (storage.local, copied to storage.sync) ────────────────────────────────────────

/**
 * `storage.local` holds this browser's latest settings, always; `storage.sync` gets a copy when
 * the browser offers it and the copy fits its 8 KB item limit. Each copy carries when it was saved,
 * and a read takes the newer one: a change made on another device wins, a stale sync copy never does.
 */
export async function readSettings(): Promise<Settings> {
  const [local, synced] = await Promise.all([get('local', LOCAL_KEYS.settings), readSyncedSettings()]);
  return pickSettings(local, synced);
}

async function readSyncedSettings(): Promise<unknown> {
  try {
    // sync can be disabled by policy or missing (a temporary Firefox profile)
    const got = await browser.storage.sync?.get(LOCAL_KEYS.settings);
    return got?.[LOCAL_KEYS.settings];
  } catch {
    return undefined;
  }
}

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
  const items = await browser.storage.local.get([LOCAL_KEYS.schema, LOCAL_KEYS.history]);
  const { set: updates, remove } = migrateLocal(items);
  if (remove.length) await browser.storage.local.remove(remove);
  if (Object.keys(updates).length) await set('local', updates);
}

/** Changes to what pages show (not the worker's own bookkeeping: budgets, evidence cache). */
export function onSessionChanged(listener: (keys: string[]) => void): () => void {
  const internal: readonly string[] = Object.values(SESSION_KEYS);
  const handler = (changes: Record<string, unknown>, areaName: string): void => {
    const keys = Object.keys(changes).filter((key) => !internal.includes(key));
    if (areaName === 'session' && keys.length) listener(keys);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
