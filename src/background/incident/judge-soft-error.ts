/**
 * Soft errors: a page served with a success status but titled like a gateway error. Its title is
 * watched, settles for SOFT_SETTLE_MS, is checked against the status the strategy says the page was
 * served with, and rate-limited; the pure rules are in core/incident/soft-error.ts and soft-limit.ts.
 */
import { classify } from '../../core/incident/classify';
import { softIncidentAllowed, SOFT_INCIDENT_WINDOW_MS } from '../../core/incident/soft-limit';
import { samePage } from '../../core/net/url';
import { sleep } from '../../core/async/timers';
import { getTab } from '../../platform/tab-info';
import * as store from '../../platform/store';
import { incidentItem, responseItem, softTimesItem } from '../../core/incident/stored';
import type { ResponseNote } from '../../model/tab';
import { withTabLock } from '../tab/locks';
import { recordIncident } from './chain';

/** The status the page showing in the tab was served with, as far as the detection strategy can tell. */
export type ServedStatus = (tabId: number, url: string, seenAt: number) => Promise<number | undefined>;

/**
 * A page without an incident showed this title (Chrome builds: read once the page loaded): if it
 * looks like a gateway error page, it is judged as a possible soft error, as a title update is.
 */
export async function considerTitle(tabId: number, url: string, title: string, servedStatus: ServedStatus): Promise<void> {
  if (!softCandidate(url, title)) return; // most titles: nothing read, nothing waited for
  const candidate = await withTabLock(tabId, async () => ((await store.read(incidentItem, tabId)) ? undefined : softCandidate(url, title)));
  await judgeSoftCandidate(tabId, candidate, servedStatus);
}

export interface SoftCandidate {
  title: string;
  url: string;
  seenAt: number;
}

/** Whether a page with this title would be judged as a possible soft error (a cheap, pure check). */
export const titledLikeSoftError = (url: string, title: string): boolean => softCandidate(url, title) !== undefined;

export function softCandidate(url: string, title: string): SoftCandidate | undefined {
  return classify({ kind: 'soft', url, title, time: 0 }) ? { title, url, seenAt: Date.now() } : undefined;
}

export async function judgeSoftCandidate(tabId: number, candidate: SoftCandidate | undefined, servedStatus: ServedStatus): Promise<void> {
  if (!candidate) return;
  await keepResponse(tabId);
  // Firefox reports the page's response up to ~100 ms AFTER its title; Chrome before. Decide once
  // both have had time to arrive, so an error page's title is never mistaken for a soft error.
  await sleep(SOFT_SETTLE_MS);
  await withTabLock(tabId, () => confirmSoftError(tabId, candidate, servedStatus));
}

/** How long a soft-error title waits for its page's response before it is judged. */
export const SOFT_SETTLE_MS = 400;
/** A response older than this belongs to an earlier navigation. */
const RESPONSE_FRESH_MS = 30_000;
/** Tabs whose last healthy response is held (the oldest is dropped past this). */
const RESPONSES_KEPT = 512;

/**
 * Each tab's last healthy response, in the worker's memory only: every healthy load gives one, and
 * only a page titled like an error page needs it, so it is stored (for a worker stopped during the
 * title's settle) only then, by {@link keepResponse}. A worker that stopped reads the stored one.
 */
const responses = new Map<number, ResponseNote>();

export function rememberResponse(tabId: number, url: string, status: number): void {
  responses.delete(tabId); // re-inserted last: the map is in order of age
  responses.set(tabId, { url, status, at: Date.now() });
  if (responses.size > RESPONSES_KEPT) responses.delete(responses.keys().next().value!);
}

export function forgetResponse(tabId: number): void {
  responses.delete(tabId);
}

async function keepResponse(tabId: number): Promise<void> {
  const response = responses.get(tabId);
  if (response) await store.write(responseItem, response, tabId);
}

/** The status of the page's response as a strategy remembered it, if it is this page's and recent. */
export async function rememberedStatus(tabId: number, url: string, seenAt: number): Promise<number | undefined> {
  const response = responses.get(tabId) ?? (await store.read(responseItem, tabId));
  if (response && samePage(response.url, url) && seenAt - response.at <= RESPONSE_FRESH_MS) return response.status;
  return undefined;
}

/**
 * A page titled like a gateway error is a soft error only if the browser saw this very page
 * answer with a success status, and nothing else has been recorded for the tab meanwhile. A tab
 * that keeps producing them (a page rewriting its address under an error title) is rate-limited.
 */
async function confirmSoftError(tabId: number, candidate: SoftCandidate, servedStatus: ServedStatus): Promise<void> {
  if (await store.read(incidentItem, tabId)) return;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.title !== candidate.title || !samePage(tab.url, candidate.url)) return;
  const status = await servedStatus(tabId, tab.url, candidate.seenAt);
  if (status === undefined || status >= 400) return;
  const soft = classify({ kind: 'soft', url: tab.url, title: candidate.title, time: Date.now() });
  if (!soft) return;
  const now = Date.now();
  const recent = (await store.read(softTimesItem, tabId)).filter((t) => now - t >= 0 && now - t < SOFT_INCIDENT_WINDOW_MS);
  if (!softIncidentAllowed(recent, now)) return;
  await store.write(softTimesItem, [...recent, now], tabId);
  // The title can arrive after the load completed: the panel may not wait for another "complete".
  await recordIncident(tabId, soft, tab, 'now');
}
