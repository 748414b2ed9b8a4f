/**
 * Runs the diagnosis for a failing tab (or for a host the visitor typed) and keeps its progress in
 * `storage.session`, so the popup shows the first evidence at once and the verdict as it refines.
 * Local checks run by themselves when an incident is recorded and ask nobody but the failing site;
 * the outside ones (the connectivity baseline included) only with the visitor's consent, per
 * source, and never for private hosts (both enforced by runChecks).
 */
import { ALL_CHECKS } from '../../checks/all-checks';
import type { CheckId, Evidence } from '../../model/evidence';
import { DEFAULT_ENDPOINTS } from '../../checks/kit/endpoints';
import { EvidenceCache, RateLimiter } from '../../checks/kit/limits';
import { runChecks } from '../../checks/run';
import type { CheckContext } from '../../checks/kit/types';
import { DEFAULT_CONSENT, sendsSite, withoutSiteSources } from '../../core/settings/consent';
import { originOf, siteUrl, webHost } from '../../core/net/url';
import { verdict } from '../../core/diagnosis/verdict';
import type { DiagnosisRecord } from '../../model/diagnosis';
import type { Incident } from '../../model/incident';
import { isOnline } from '../../platform/connectivity';
import * as store from '../../platform/store';
import { diagnosisItem, evidenceCacheItem, limitsItem, type SiteCheck } from '../../core/diagnosis/stored';
import { consentItem } from '../../core/settings/stored';
import { historyItem } from '../../core/present/stored';
import { withVerdict } from '../../core/present/history';
import { incidentItem } from '../../core/incident/stored';
import { hasSiteDataPermission } from '../../platform/data-collection';
import { otherSiteAnsweredAgoMs } from '../../platform/reachability';
import { resolveDns } from '../../platform/dns';
import { backgroundFetch } from '../../platform/fetch-limit';
import { withTabLock } from '../tab/locks';
import { getTab } from '../../platform/tab-info';
import { historyVerdictId } from '../../core/present/verdict-text';
import { failedOnDns, publicDnsVerdict } from '../../core/net/intranet';
import { crowdAccess } from '../crowd/access';
import { reportFailure } from '../crowd/report';

/** Local checks answer within a few seconds; outside vantage points need up to ~15 s. */
const LOCAL_DEADLINE_MS = 8_000;
const OUTSIDE_DEADLINE_MS = 20_000;

/** Runs in progress in this worker, so a newer one can stop an older one; nothing to keep. */
const running = new Map<number | SiteCheck, AbortController>();

interface OutsideState {
  limiter: RateLimiter;
  /** Evidence cached for normal windows' diagnoses, and for private windows' (never shared). */
  cache: EvidenceCache;
  privateCache: EvidenceCache;
}

/**
 * The outside services' request budgets and 429 back-offs, and the evidence caches, live in
 * `storage.session`: a worker stopped during a back-off must not ask that service again before it
 * ends. These objects are only this worker's copy, read once and saved after every change.
 */
let outsideState: Promise<OutsideState> | undefined;

function loadOutsideState(): Promise<OutsideState> {
  const reads = () => Promise.all([store.read(limitsItem), store.read(evidenceCacheItem, false), store.read(evidenceCacheItem, true)]);
  outsideState ??= reads().then(([limits, cached, cachedPrivate]) => {
    let saving: Promise<unknown> = Promise.resolve();
    const save = (write: () => Promise<void>): void => {
      saving = saving.then(write, write);
    };
    const cacheOf = (state: typeof cached, inPrivate: boolean): EvidenceCache =>
      new EvidenceCache({ now: () => Date.now(), state, onChange: (next) => save(() => store.write(evidenceCacheItem, next, inPrivate)) });
    return {
      limiter: new RateLimiter({ now: Date.now, state: limits, onChange: (state) => save(() => store.write(limitsItem, state)) }),
      cache: cacheOf(cached, false),
      privateCache: cacheOf(cachedPrivate, true),
    };
  });
  outsideState.catch(() => (outsideState = undefined));
  return outsideState;
}

/** Diagnoses `incident`, the one the caller holds for tab `tabId` (passed, not read again here). */
export function diagnoseTab(tabId: number, incident: Incident, { outside }: { outside: boolean }): Promise<DiagnosisRecord | undefined> {
  // The one re-read kept: each write comes after checks that wait on the network, and the tab may
  // have a newer incident (or none) by then; a diagnosis of the old one must not be saved over it.
  const still = async (): Promise<boolean> => (await store.read(incidentItem, tabId))?.time === incident.time;
  return run(tabId, incident.url, incident, outside, still);
}

/**
 * "Check any site": a host typed in the popup (its front page; `http://` only when typed so), no
 * incident. `inPrivate`: typed in a private window, whose result and cache are its own.
 */
export async function diagnoseHost(hostInput: string, { inPrivate = false } = {}): Promise<DiagnosisRecord | undefined> {
  const url = siteUrl(hostInput);
  if (!url || !webHost(url)) throw new Error('not a host name');
  return run(inPrivate ? 'site-private' : 'site', url, undefined, true, async () => true);
}

/** Whether the diagnosis `key` is a private window's: a tab whose kind cannot be told counts as private. */
async function isPrivate(key: number | SiteCheck): Promise<boolean> {
  if (key === 'site' || key === 'site-private') return key === 'site-private';
  return (await getTab(key).catch(() => undefined))?.incognito !== false;
}

async function run(
  key: number | SiteCheck,
  url: string,
  incident: Incident | undefined,
  outside: boolean,
  stillCurrent: () => Promise<boolean>,
): Promise<DiagnosisRecord | undefined> {
  const origin = originOf(url);
  const host = webHost(url);
  if (!origin || !host) return undefined;
  running.get(key)?.abort();
  const controller = new AbortController();
  running.set(key, controller);

  // Firefox: the site's name leaves only with its "browsing activity" permission too (platform/data-collection.ts).
  const stored = outside ? await store.read(consentItem) : DEFAULT_CONSENT;
  const consent = sendsSite(stored) && !(await hasSiteDataPermission()) ? withoutSiteSources(stored) : stored;
  const state = await loadOutsideState();
  const { limiter } = state;
  const inPrivate = await isPrivate(key);
  const cache = inPrivate ? state.privateCache : state.cache;
  // The crowd only with its own opt-in, never from a private window; without it the check is not even listed.
  const crowd = await crowdAccess(inPrivate);
  const checks = crowd ? ALL_CHECKS : ALL_CHECKS.filter((c) => !c.optIn);
  const answeredAgo = await otherSiteAnsweredAgoMs(origin).catch(() => undefined);
  const ctx: CheckContext = {
    browser: { online: isOnline(), ...(answeredAgo !== undefined ? { otherSiteAnsweredAgoMs: answeredAgo } : {}) },
    host,
    origin,
    url,
    ...(incident ? { incident } : {}),
    ...(incident?.ip ? { browserIp: incident.ip } : {}),
    // Under the global limit on background requests in flight, like the retry probes.
    fetch: backgroundFetch,
    endpoints: DEFAULT_ENDPOINTS,
    now: Date.now,
    limiter,
    ...(resolveDns ? { resolveDns } : {}),
    ...(crowd ? { crowd } : {}),
  };
  // "Check any site" always runs with the outside sources allowed, but it only speaks from outside
  // (it may say "for everyone") when one that asks about the site was (DiagnosisRecord.outside).
  const saidFromOutside = typeof key === 'string' ? sendsSite(consent) : outside;
  const latest = new Map<CheckId, Evidence>();
  const startedAt = Date.now();
  let writes: Promise<unknown> = Promise.resolve();
  const snapshot = (done: boolean): DiagnosisRecord => {
    const evidence = [...latest.values()];
    return {
      host,
      ...(incident ? { incidentTime: incident.time } : {}),
      startedAt,
      outside: saidFromOutside,
      evidence,
      verdict: verdict(evidence),
      done,
    };
  };
  const save = (done: boolean): Promise<unknown> => {
    const record = snapshot(done);
    // Under the tab's lock: a tab closed (records forgotten) between the check and the write would keep an orphan.
    const write = async (): Promise<void> => {
      if (controller.signal.aborted && !done) return;
      if (await stillCurrent()) await store.write(diagnosisItem, record, key);
    };
    writes = writes.then(() => (typeof key === 'string' ? write() : withTabLock(key, write)));
    return writes;
  };

  await save(false);
  await runChecks(checks, ctx, {
    deadlineMs: outside ? OUTSIDE_DEADLINE_MS : LOCAL_DEADLINE_MS,
    consent,
    signal: controller.signal,
    cache,
    onEvidence: (evidence) => {
      latest.set(evidence.check, evidence);
      void save(false);
    },
  });
  if (running.get(key) === controller) running.delete(key);
  if (controller.signal.aborted) return undefined; // a newer run took over
  await save(true);
  const done = snapshot(true);
  // The history entry keeps what the diagnosis found (an incognito tab's incident has none: nothing is written).
  if (incident && (await stillCurrent()))
    await store.update(historyItem, (list) =>
      withVerdict(list, incident.host, incident.time, historyVerdictId(done.verdict.kind, done.outside, incident.kind)),
    );
  // A DNS failure is reported only once public DNS vouched for the name (an intranet name's VPN may have dropped).
  const publicDns = publicDnsVerdict(latest.get('dns'));
  if (incident && failedOnDns(incident) && publicDns === 'public')
    void reportFailure(incident, { incognito: inPrivate, publicDns }).catch((error: unknown) =>
      console.error('Downcheck crowd report:', error),
    );
  return done;
}

/** The tab recovered or left the failing page: its diagnosis no longer applies. */
export async function dropDiagnosis(tabId: number): Promise<void> {
  running.get(tabId)?.abort();
  await store.remove(diagnosisItem, tabId);
}
