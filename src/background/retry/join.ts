/**
 * Tabs join and leave their origin's probe schedule (one per failing origin, shared by every tab
 * failing there). Neither draws: the caller syncs the tab's view once the incident and schedule are written.
 */
import { parseRetryAfter } from '../../core/retry/retry-after';
import { quietUntil } from '../../core/retry/quiet';
import { decisionFor } from '../../core/retry/policy';
import { isRelapse, onOffline, onRelapse, shouldGiveUp, startSchedule } from '../../core/retry/schedule';
import { autoRetryAllowed } from '../../core/settings/settings';
import { originOf, reprobeTarget } from '../../core/net/url';
import type { Incident } from '../../model/incident';
import type { RetryRecord } from '../../model/retry';
import { isOnline } from '../../platform/connectivity';
import * as store from '../../platform/store';
import { settingsItem } from '../../core/settings/stored';
import { retryItem } from '../../core/retry/stored';
import { retryOptionsFor } from './wake-ups';
import { withOriginLock } from '../tab/locks';
import { arm, dropRecord } from './probe';

/**
 * A tab's page just failed: join its origin's schedule or start one. `force` is the visitor
 * asking for it (popup), which overrides the auto-retry setting but never the POST rule. A tab
 * whose new failure may not be retried (a form sent on the same origin, a TLS error…) leaves the
 * schedule it was waiting on, so a recovery never loads it again. A failure soon after the origin
 * was brought back continues the old schedule (attempt and give-up time) instead of starting anew.
 */
export async function joinSchedule(tabId: number, incident: Incident, { force = false } = {}): Promise<boolean> {
  const now = Date.now();
  const origin = originOf(incident.url);
  if (!origin) return false;
  if (!decisionFor(incident, now).retry) {
    await leaveSchedule(tabId, origin);
    return false;
  }
  const settings = await store.read(settingsItem);
  if (!force && !autoRetryAllowed(settings, incident.host)) return false;

  const record = await withOriginLock(origin, async () => {
    const existing = await store.read(retryItem, origin);
    // The site's quiet time (503/429: at least 5 s; its Retry-After) holds for the first probe too.
    const quietMs = quietUntil({ status: incident.status, retryAfter: incident.retryAfter, at: incident.time }) - now;
    const retryAfterMs = quietMs > 0 ? quietMs : parseRetryAfter(incident.retryAfter, now);
    const failure = { now, random: Math.random, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    if (existing && (existing.state === 'waiting' || existing.state === 'offline' || existing.state === 'page-fails')) {
      if (!existing.tabs.includes(tabId)) existing.tabs.push(tabId);
      await store.write(retryItem, existing);
      return existing;
    }
    if (existing?.state === 'recovered' && isRelapse(existing.recoveredAt, now)) {
      const schedule = onRelapse(existing.schedule, failure, retryOptionsFor(settings));
      const relapsed: RetryRecord = {
        ...existing,
        tabs: [...new Set([...existing.tabs, tabId])],
        schedule: isOnline() ? schedule : onOffline(schedule, now),
        state: shouldGiveUp(schedule) ? 'gave-up' : isOnline() ? 'waiting' : 'offline',
      };
      await store.write(retryItem, relapsed);
      return relapsed;
    }
    const schedule = startSchedule({ origin, ...failure }, retryOptionsFor(settings));
    const fresh: RetryRecord = {
      origin,
      // Never the query, nor a private page's path (core/net/url.ts): the probe must not replay the visitor's request.
      probeUrl: reprobeTarget(incident.url, incident.method) ?? `${origin}/`,
      tabs: [...new Set([...(existing?.state === 'gave-up' ? existing.tabs : []), tabId])],
      schedule: isOnline() ? schedule : onOffline(schedule, now),
      state: isOnline() ? 'waiting' : 'offline',
      probes: 0,
    };
    await store.write(retryItem, fresh);
    return fresh;
  });
  await arm(record);
  return true;
}

/** The tab no longer waits on its origin (closed, navigated elsewhere, visitor pressed Stop). `true` if it did. */
export async function leaveSchedule(tabId: number, origin: string | undefined): Promise<boolean> {
  if (!origin) return false;
  return withOriginLock(origin, async () => {
    const record = await store.read(retryItem, origin);
    if (!record?.tabs.includes(tabId)) return false;
    record.tabs = record.tabs.filter((id) => id !== tabId);
    // A recovered origin is remembered for its relapse window even once all its tabs are back.
    if (record.tabs.length === 0 && record.state !== 'recovered') await dropRecord(origin);
    else await store.write(retryItem, record);
    return true;
  });
}
