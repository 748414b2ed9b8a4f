/**
 * The tab's view of its incident and schedule: the one place that draws the badge (the only
 * importer of platform/badge.ts in the worker). It runs after every write to an incident or a schedule.
 */
import { badgeFor } from '../../core/present/badge';
import { clearBadge, showBadge } from '../../platform/badge';
import { t } from '../../platform/i18n';
import * as store from '../../platform/store';
import { incidentItem } from '../../core/incident/stored';
import { retryItem } from '../../core/retry/stored';
import { originOf } from '../../core/net/url';
import type { Incident } from '../../model/incident';

/**
 * Draws the tab's badge from its incident and, if any, its origin's schedule. `known`: the caller
 * holds the incident it just stored (`undefined`: none, the badge is cleared), so it is not read again.
 */
export async function syncTabView(tabId: number, known?: { incident: Incident | undefined }): Promise<void> {
  if (known) return draw(tabId, known.incident);
  const read = await store.read(incidentItem, tabId);
  await draw(tabId, read);
  // Outside the tab's lock (a schedule syncs all its tabs) the incident can end between the read
  // and the drawing, leaving the badge of a page that is back: look once more after drawing.
  const now = await store.read(incidentItem, tabId);
  if (now?.time !== read?.time || now?.url !== read?.url) await draw(tabId, now);
}

async function draw(tabId: number, incident: Incident | undefined): Promise<void> {
  if (!incident) {
    await clearBadge(tabId).catch(() => undefined); // the tab may be gone
    return;
  }
  const origin = originOf(incident.url);
  const retry = origin ? await store.read(retryItem, origin) : undefined;
  const state = retry?.tabs.includes(tabId) ? retry.state : undefined;
  const view = badgeFor(incident, state);
  const title = t({ key: view.title.key, subs: [...(view.title.subs ?? []), t(incident.meaning)] });
  await showBadge(tabId, { text: view.text, color: view.color, title }).catch(() => undefined);
}
