// What the extension holds, read from one of its pages (never by running code in the worker, so
// reading does not change what is measured), and the consistency rules the soak and chaos runs
// check. The one figure only the worker knows, its timers pending, it answers to a "worker-stats"
// request from that page (src/protocol/messages.ts); in Chromium the request wakes a stopped worker,
// which then has no timers: that is a true count, and the soak's worker is busy anyway.
import { alarmsInPage } from '../e2e/alarms-in-page.mjs';

/** Per-tab record kinds (the names of src/core/items.ts TAB_ITEMS; test/unit/soak/records.test.ts holds the two together) and the other session keys, for the per-kind counts. */
export const TAB_RECORDS = [
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

/**
 * Storage bytes in use per area (getBytesInUse where the browser has it, else the length of its
 * JSON), every session key, the history, alarms, every open tab with its badge, and the worker's
 * timers pending with `workerStats` (the soak; the chaos run leaves the worker alone; undefined if it did not answer).
 */
export async function readState(browser, { workerStats = false } = {}) {
  const state = await readStateOnly(browser, { workerStats });
  // Alarm names are opaque (a keyed hash of the origin): the name each schedule's alarm must have.
  const origins = Object.keys(state.session)
    .filter((k) => k.startsWith('retry:'))
    .map((k) => k.slice('retry:'.length));
  const { expected } = await browser.pageEval(alarmsInPage, { prefix: 'retry:', origins });
  return { ...state, retryAlarmNames: expected };
}

function readStateOnly(browser, { workerStats }) {
  return browser.pageEval(async (askWorker) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const bytes = async (area) => {
      const all = await area.get(null);
      let inUse;
      try {
        inUse = typeof area.getBytesInUse === 'function' ? await area.getBytesInUse(null) : undefined;
      } catch {
        inUse = undefined;
      }
      return { all, bytes: inUse ?? new TextEncoder().encode(JSON.stringify(all)).length, measured: inUse === undefined ? 'json' : 'api' };
    };
    const [session, local, alarms, tabs, stats] = await Promise.all([
      bytes(api.storage.session),
      bytes(api.storage.local),
      api.alarms.getAll(),
      api.tabs.query({}),
      askWorker ? api.runtime.sendMessage({ type: 'worker-stats' }).catch(() => undefined) : undefined,
    ]);
    const open = await Promise.all(
      tabs.map(async (t) => ({ id: t.id, url: t.url ?? '', badge: await api.action.getBadgeText({ tabId: t.id }).catch(() => null) })),
    );
    return {
      session: session.all,
      sessionBytes: session.bytes,
      localBytes: local.bytes,
      bytesMeasured: session.measured,
      historyLength: Array.isArray(local.all.history) ? local.all.history.length : 0,
      history: Array.isArray(local.all.history) ? local.all.history.map((i) => i?.url) : [],
      alarms: alarms.map((a) => ({ name: a.name, when: a.scheduledTime })),
      tabs: open,
      timersPending: stats?.ok ? stats.value.timersPending : undefined,
    };
  }, workerStats);
}

/** Stored records per kind: `incident`, `retry`, `diagnosis`, … and the history's length. */
export function recordCounts(state) {
  const counts = Object.fromEntries([...TAB_RECORDS, 'retry'].map((k) => [k, 0]));
  for (const key of Object.keys(state.session)) {
    const kind = key.split(':')[0];
    if (kind in counts && key.includes(':')) counts[kind] += 1;
    else counts[key] = (counts[key] ?? 0) + 1;
  }
  counts.history = state.historyLength;
  return counts;
}

const badgeMatches = (badge, incident, retryState) => {
  const code = String(incident.badge ?? '').slice(0, 4);
  if (retryState === 'waiting' || retryState === 'offline') return badge === `↻${code.slice(0, 3)}`;
  return badge === code;
};

const originOf = (url) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Everything that makes the stored state inconsistent, in words (empty: consistent):
 * - an open tab's badge does not show its stored incident (or shows something without one);
 * - a retry schedule that waits (or waits to be online) has no alarm;
 * - a record kept for a tab that is not open (orphan), or a schedule listing one;
 * - a schedule that waits lists a tab whose incident is not on its origin.
 * `tabFilter` limits the badge rule to the tabs the run drives (an extension page has no badge to check).
 */
export function consistencyProblems(state, { tabFilter = () => true } = {}) {
  const problems = [];
  const openIds = new Set(state.tabs.map((t) => t.id));
  const retries = Object.entries(state.session).filter(([k]) => k.startsWith('retry:'));
  const alarmNames = new Set(state.alarms.map((a) => a.name));
  for (const tab of state.tabs.filter(tabFilter)) {
    const incident = state.session[`incident:${tab.id}`];
    if (!incident) {
      if (tab.badge) problems.push(`tab ${tab.id} shows badge "${tab.badge}" without an incident`);
      continue;
    }
    const retry = state.session[`retry:${originOf(incident.url)}`];
    const retryState = retry?.tabs?.includes(tab.id) ? retry.state : undefined;
    if (!badgeMatches(tab.badge, incident, retryState))
      problems.push(`tab ${tab.id} shows badge "${tab.badge}" for its incident ${incident.badge} (retry ${retryState ?? 'none'})`);
  }
  for (const key of Object.keys(state.session)) {
    const [kind, id] = key.split(':');
    if (TAB_RECORDS.includes(kind) && /^\d+$/.test(id ?? '') && !openIds.has(Number(id))) problems.push(`orphaned ${key} (tab closed)`);
  }
  for (const [key, retry] of retries) {
    if ((retry.state === 'waiting' || retry.state === 'offline') && !alarmNames.has(state.retryAlarmNames?.[retry.origin] ?? key))
      problems.push(`${key} is ${retry.state} without an alarm`);
    for (const id of retry.tabs ?? []) {
      if (!openIds.has(id)) problems.push(`${key} lists closed tab ${id}`);
      else if (retry.state === 'waiting' && originOf(state.session[`incident:${id}`]?.url) !== retry.origin)
        problems.push(`${key} waits for tab ${id}, whose incident is not on that origin`);
    }
  }
  return problems;
}
