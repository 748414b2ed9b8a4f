/**
 * The part of storage.ts (which re-exports all of it): the area helpers, quota handling and the
 * records the popup shows, which the worker reads for it (background/pages/popup-state.ts): the popup
 * loads no storage module but storage-changes.ts. See storage.ts for the rules.
 */
import { browser } from './native';
import type { Incident } from '../model/incident';
import type { Recovery, RetryRecord, WatchRecord } from '../model/retry';
import type { DiagnosisRecord } from '../model/diagnosis';
import { validateConsent } from '../core/settings/consent';
import type { Consent, Settings } from '../model/settings';
import { pickSettings } from '../core/settings/settings';
import {
  LOCAL_KEYS,
  parseGuideMarks,
  parseHistory,
  parseIncident,
  parseRecovery,
  RETRY_RECORDS,
  SESSION_KEYS,
  PRIVATE_SITE_DIAGNOSIS_KEY,
  SITE_DIAGNOSIS_KEY,
  tabKey,
  type SiteCheck,
  WATCH_RECORDS,
  type PerOrigin,
} from '../core/schema/legacy/stored';
import type { GuideMarks, ResponseNote, SubframeFailure } from '../model/tab';
import { parseDiagnosis } from '../core/diagnosis/evidence-parse';

export type { GuideMarks, ResponseNote, SubframeFailure };

export type AreaName = 'local' | 'session';
const area = (name: AreaName): typeof browser.storage.local => browser.storage[name];

export async function get(name: AreaName, key: string): Promise<unknown> {
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
export async function set(name: AreaName, items: Record<string, unknown>): Promise<void> {
  try {
    await area(name).set(items);
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    await (name === 'session' ? trimSession() : trimLocal());
    await area(name).set(items);
  }
}

export async function setOptional(name: AreaName, items: Record<string, unknown>): Promise<void> {
  await set(name, items).catch((error: unknown) => console.warn('Downcheck storage:', error));
}

/** The session area is full: drop what is only there to save work (caches, diagnoses, sub-frame notes). */
async function trimSession(): Promise<void> {
  const all = await browser.storage.session.get(null);
  const optional = Object.keys(all).filter(
    (key) =>
      key === SESSION_KEYS.evidenceCache ||
      key === SESSION_KEYS.evidenceCachePrivate ||
      key.startsWith('diagnosis:') ||
      key.startsWith('subframes:'),
  );
  if (optional.length) await browser.storage.session.remove(optional);
}

/** The local area is full: history is the only thing in it that grows; keep its newer half. */
async function trimLocal(): Promise<void> {
  const history = parseHistory(await get('local', LOCAL_KEYS.history));
  await browser.storage.local.set({ [LOCAL_KEYS.history]: history.slice(0, Math.floor(history.length / 2)) });
}

/** Per-tab incident: `storage.session` so it survives the worker being stopped but not a browser restart. */
export async function readIncident(tabId: number): Promise<Incident | undefined> {
  return parseIncident(await get('session', tabKey('incident', tabId)));
}

export const diagnosisKey = (tabId: number | SiteCheck): string =>
  tabId === 'site' ? SITE_DIAGNOSIS_KEY : tabId === 'site-private' ? PRIVATE_SITE_DIAGNOSIS_KEY : tabKey('diagnosis', tabId);

/** A diagnosis in progress or done, per tab (or for "check any site": `'site'`, from a private window `'site-private'`). */
export async function readDiagnosis(tabId: number | SiteCheck): Promise<DiagnosisRecord | undefined> {
  return parseDiagnosis(await get('session', diagnosisKey(tabId)));
}

export async function readGuideMarks(tabId: number): Promise<GuideMarks> {
  return parseGuideMarks(await get('session', tabKey('guide', tabId)));
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

/** The record of `kind` kept for `origin`, if a valid one is stored under its key. */
export async function readPerOrigin<T>(kind: PerOrigin<T>, origin: string): Promise<T | undefined> {
  const record = kind.parse(await get('session', kind.prefix + origin));
  return record && kind.originOf(record) === origin ? record : undefined;
}

export const readRetry = (origin: string): Promise<RetryRecord | undefined> => readPerOrigin(RETRY_RECORDS, origin);

/** "Tell me when it's back" for the site at this origin, if it was asked for (core/retry/watch.ts). */
export const readWatch = (origin: string): Promise<WatchRecord | undefined> => readPerOrigin(WATCH_RECORDS, origin);

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

export { onSessionChanged } from './storage-changes';
