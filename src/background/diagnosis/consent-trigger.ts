import { sendsSite } from '../../core/settings/consent';
import { CONSENT_SOURCES, type Consent } from '../../model/settings';
import type { CrowdChoice } from '../../model/crowd';
import { sleep } from '../../core/async/timers';
import { failedOnDns } from '../../core/net/intranet';
import { isPrivateHost } from '../../core/net/url';
import type { Incident } from '../../model/incident';
import * as store from '../../platform/store';
import { consentItem } from '../../core/settings/stored';
import { diagnosisItem } from '../../core/diagnosis/stored';
import { incidentItem } from '../../core/incident/stored';
import { activeTab, getTab } from '../../platform/tab-info';
import { isTabActive } from '../../platform/tabs';
import { diagnoseTab } from './diagnose';
import { clearCrowdCache } from '../../platform/crowd-client';

/**
 * Once the visitor allows a source (in the popup, the first-run page or the settings), the checks
 * run by themselves for the incident in the tab they are looking at, so the verdict is ready when
 * the popup or the panel opens. Only when a source was newly allowed, and only if this incident
 * has not had its outside checks yet.
 */
const SETTLE_MS = 500;

export async function consentChanged(before: Consent | undefined, after: Consent): Promise<boolean> {
  const newlyAllowed = CONSENT_SOURCES.some((s) => after[s] && !before?.[s]);
  if (!newlyAllowed) return false;
  const active = await activeIncident();
  return active ? diagnoseOutsideOnce(active.tabId, active.incident) : false;
}

/**
 * The crowd opt-in just given (its own choice, apart from the consents): the incident in the active tab is looked at
 * again so its crowd row is there when the popup or the panel opens. Only if its diagnosis has no crowd row yet; the
 * diagnosis leaves the crowd out by itself in a private window or without a service.
 */
export async function crowdChanged(before: CrowdChoice | undefined, after: CrowdChoice): Promise<boolean> {
  // Withdrawn, or given for another address: nothing the service said is kept in memory.
  if (!after.optIn || after.serviceUrl !== before?.serviceUrl) clearCrowdCache();
  if (!after.optIn || before?.optIn) return false;
  const active = await activeIncident();
  if (!active) return false;
  const { tabId, incident } = active;
  const diagnosis = await store.read(diagnosisItem, tabId);
  const current = diagnosis?.incidentTime === incident.time ? diagnosis : undefined;
  if (current?.evidence.some((e) => e.check === 'crowd')) return false;
  await diagnoseTab(tabId, incident, { outside: current?.outside ?? false });
  return true;
}

/** The incident in the tab the visitor is looking at, once the popup that asked has had a moment to start the checks itself. */
async function activeIncident(): Promise<{ tabId: number; incident: Incident } | undefined> {
  await sleep(SETTLE_MS);
  const tab = await activeTab();
  const incident = tab && (await store.read(incidentItem, tab.id));
  return tab && incident ? { tabId: tab.id, incident } : undefined;
}

/** The outside checks for `incident`, unless they already ran for it (the popup asked, say). `true` if they run now. */
async function diagnoseOutsideOnce(tabId: number, incident: Incident): Promise<boolean> {
  // A name that did not resolve may be an intranet one: only the visitor's click sends it anywhere.
  if (failedOnDns(incident)) return false;
  const diagnosis = await store.read(diagnosisItem, tabId);
  if (diagnosis?.outside && diagnosis.incidentTime === incident.time) return false;
  await diagnoseTab(tabId, incident, { outside: true });
  return true;
}

/**
 * Whether the outside checks may run by themselves for `incident`: the visitor allowed a source
 * that asks about the site, the host is public, the page did not fail on DNS (an intranet name
 * after a VPN drop looks public), and the tab is not a private (incognito) one (there, and after a
 * DNS failure, they run only when asked in the popup).
 */
async function outsideByThemselves(incident: Incident, incognito: boolean): Promise<boolean> {
  if (incognito || isPrivateHost(incident.host) || failedOnDns(incident)) return false;
  return sendsSite(await store.read(consentItem));
}

/**
 * A tab's new incident is diagnosed at once: with local evidence only, or, in the tab the visitor
 * is looking at and once they allowed an outside source, with those sources too, so the verdict is
 * ready when the popup or the panel opens.
 */
export async function diagnoseNewIncident(tabId: number, incident: Incident, incognito: boolean): Promise<void> {
  const outside = (await isTabActive(tabId)) && (await outsideByThemselves(incident, incognito));
  await diagnoseTab(tabId, incident, { outside });
}

/** The visitor switched to a tab: its incident gets the outside checks it has not had yet (if allowed). */
export async function tabLookedAt(tabId: number): Promise<boolean> {
  const incident = await store.read(incidentItem, tabId);
  if (!incident) return false;
  const tab = await getTab(tabId);
  if (!tab || !(await outsideByThemselves(incident, tab.incognito))) return false;
  return diagnoseOutsideOnce(tabId, incident);
}
