import { browser } from './browser';
import { HISTORY_KEY, HISTORY_LIMIT, incidentKey, type Incident } from '../shared/incident';
import { recoveredKey, retryKey, type Recovery, type RetryRecord } from '../shared/retry';

/** Per-tab incident: `storage.session` so it survives the worker being stopped but not a browser restart. */
export async function readIncident(tabId: number): Promise<Incident | undefined> {
  const key = incidentKey(tabId);
  const got = await browser.storage.session.get(key);
  return got[key] as Incident | undefined;
}

export async function writeIncident(tabId: number, incident: Incident): Promise<void> {
  await browser.storage.session.set({ [incidentKey(tabId)]: incident });
}

export async function removeIncident(tabId: number): Promise<void> {
  await browser.storage.session.remove(incidentKey(tabId));
}

export async function readHistory(): Promise<Incident[]> {
  const got = await browser.storage.local.get(HISTORY_KEY);
  const list = got[HISTORY_KEY];
  return Array.isArray(list) ? (list as Incident[]) : [];
}

/** Newest first, bounded. Callers must not call this for incognito tabs. */
export async function appendHistory(incident: Incident): Promise<void> {
  const list = await readHistory();
  list.unshift(incident);
  await browser.storage.local.set({ [HISTORY_KEY]: list.slice(0, HISTORY_LIMIT) });
}

const SUBFRAME_LIMIT = 20;
const subframeKey = (tabId: number): string => `subframes:${tabId}`;

/** Sub-frame failures are kept for the diagnosis but never make the page an incident. */
export async function appendSubframeFailure(tabId: number, entry: { url: string; status?: number; error?: string; time: number }): Promise<void> {
  const key = subframeKey(tabId);
  const got = await browser.storage.session.get(key);
  const list = Array.isArray(got[key]) ? (got[key] as unknown[]) : [];
  list.unshift(entry);
  await browser.storage.session.set({ [key]: list.slice(0, SUBFRAME_LIMIT) });
}

export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove([incidentKey(tabId), subframeKey(tabId), recoveredKey(tabId), guideKey(tabId), `diagnosis:${tabId}`]);
}

/* Auto-retry records (one per failing origin) and recovery notes, in `storage.session`. */

export async function readRetry(origin: string): Promise<RetryRecord | undefined> {
  const key = retryKey(origin);
  const got = await browser.storage.session.get(key);
  return got[key] as RetryRecord | undefined;
}

export async function writeRetry(record: RetryRecord): Promise<void> {
  await browser.storage.session.set({ [retryKey(record.origin)]: record });
}

export async function removeRetry(origin: string): Promise<void> {
  await browser.storage.session.remove(retryKey(origin));
}

export async function allRetries(): Promise<RetryRecord[]> {
  const all = await browser.storage.session.get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith('retry:'))
    .map(([, value]) => value as RetryRecord);
}

export async function writeRecovery(tabId: number, recovery: Recovery): Promise<void> {
  await browser.storage.session.set({ [recoveredKey(tabId)]: recovery });
}

export async function readRecovery(tabId: number): Promise<Recovery | undefined> {
  const key = recoveredKey(tabId);
  const got = await browser.storage.session.get(key);
  return got[key] as Recovery | undefined;
}

export function onSessionChanged(listener: (keys: string[]) => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string): void => {
    if (area === 'session') listener(Object.keys(changes));
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/** The visitor's done/didn't-help marks on guide steps, per tab (session only). */
export type GuideMarks = Record<string, 'done' | 'failed'>;
const guideKey = (tabId: number): string => `guide:${tabId}`;

export async function readGuideMarks(tabId: number): Promise<GuideMarks> {
  const got = await browser.storage.session.get(guideKey(tabId));
  const marks = got[guideKey(tabId)];
  return marks && typeof marks === 'object' ? (marks as GuideMarks) : {};
}

export async function writeGuideMarks(tabId: number, marks: GuideMarks): Promise<void> {
  await browser.storage.session.set({ [guideKey(tabId)]: marks });
}

/** Generic session values owned by one feature (e.g. diagnoses); memory only. */
export async function readSession<T>(key: string): Promise<T | undefined> {
  const got = await browser.storage.session.get(key);
  return got[key] as T | undefined;
}

export async function writeSession(key: string, value: unknown): Promise<void> {
  await browser.storage.session.set({ [key]: value });
}

export async function removeSession(key: string): Promise<void> {
  await browser.storage.session.remove(key);
}
