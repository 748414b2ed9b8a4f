import { badgeFor } from '../../core/present/badge';
import { clearBadge, showBadge } from '../../platform/badge';
import { t } from '../../platform/i18n';
import { readIncident, readRetry } from '../../platform/storage';
import { originOf } from '../../core/net/url';
import type { Incident } from '../../model/incident';

/** Draws the tab's badge from what storage says: the incident and, if any, its origin's retry. */
export async function refreshBadge(tabId: number): Promise<void> {
  const read = await readIncident(tabId);
  await drawBadge(tabId, read);
  // Outside the tab's lock (a schedule redraws all its tabs) the incident can end between the read
  // and the drawing, leaving the badge of a page that is back: look once more after drawing.
  const now = await readIncident(tabId);
  if (now?.time !== read?.time || now?.url !== read?.url) await drawBadge(tabId, now);
}

/** The same, for a caller that holds the incident it just stored (none: the badge is cleared). */
export async function drawBadge(tabId: number, incident: Incident | undefined): Promise<void> {
  if (!incident) {
    await clearBadge(tabId).catch(() => undefined); // the tab may be gone
    return;
  }
  const origin = originOf(incident.url);
  const retry = origin ? await readRetry(origin) : undefined;
  const state = retry?.tabs.includes(tabId) ? retry.state : undefined;
  const view = badgeFor(incident, state);
  const title = t({ key: view.title.key, subs: [...(view.title.subs ?? []), t(incident.meaning)] });
  await showBadge(tabId, { text: view.text, color: view.color, title }).catch(() => undefined);
}
