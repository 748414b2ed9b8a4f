import { browser } from './browser';
import { HISTORY_KEY, HISTORY_LIMIT, incidentKey, type Incident } from '../shared/incident';

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
  await browser.storage.session.remove([incidentKey(tabId), subframeKey(tabId)]);
}
