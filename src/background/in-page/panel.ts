import type { Incident } from '../../model/incident';
import type { PanelCrowdRow, PanelMessage, PanelState } from '../../protocol/messages';
import type { DiagnosisRecord } from '../../model/diagnosis';
import { originOf } from '../../core/net/url';
import { crowdShort } from '../../core/present/crowd';
import { injectPanel, openGuide, stylePanelHost } from '../../platform/panel';
import { BROWSER_KIND, platformOs } from '../../platform/browser-info';
import { panelHiddenOn, withPanelHidden } from '../../core/settings/settings';
import * as store from '../../platform/store';
import { settingsItem } from '../../core/settings/stored';
import { diagnosisItem } from '../../core/diagnosis/stored';
import { incidentItem } from '../../core/incident/stored';
import { retryItem } from '../../core/retry/stored';
import { getTab } from '../../platform/tab-info';
import { retryNow, stopRetry } from '../retry/controls';

/**
 * The in-page panel: injected only into pages that failed and that the browser lets us script
 * (an HTTP error page or a soft error; browser-owned network-error pages refuse it), never into
 * healthy pages, and not on sites where the visitor turned it off.
 */
export async function maybeInjectPanel(tabId: number, known?: Incident): Promise<boolean> {
  const incident = known ?? (await store.read(incidentItem, tabId));
  if (!incident || incident.kind === 'network') return false;
  const settings = await store.read(settingsItem);
  if (!settings.panel || panelHiddenOn(settings, incident.host)) return false;
  return injectPanel(tabId);
}

export async function handlePanelRequest(message: PanelMessage, tabId: number): Promise<unknown> {
  switch (message.type) {
    case 'panel-state':
      return panelState(tabId);
    case 'panel-retry-now':
      return { started: await retryNow(tabId) };
    case 'panel-stop-retry':
      return { stopped: await stopRetry(tabId) };
    case 'panel-hide-site': {
      const incident = await store.read(incidentItem, tabId);
      if (!incident) return { hidden: false };
      // A private window's choice is not written where it outlives the session (storage.sync):
      // the panel closes for this page only.
      if ((await getTab(tabId))?.incognito !== false) return { hidden: true };
      const settings = await store.read(settingsItem);
      await store.write(settingsItem, withPanelHidden(settings, incident.host));
      return { hidden: true };
    }
    case 'panel-open-guide':
      await openGuide(tabId);
      return { opened: true };
    case 'panel-style':
      return { styled: await stylePanelHost(tabId, message.name, message.on) };
  }
}

/** The crowd's short line when the crowd supports "down for everyone" (the check runs only with the opt-in). */
function crowdOf(record: DiagnosisRecord): { crowd?: PanelCrowdRow } {
  const crowd = crowdShort(record.evidence);
  return crowd ? { crowd } : {};
}

async function panelState(tabId: number): Promise<PanelState> {
  const incident = await store.read(incidentItem, tabId);
  const origin = originOf(incident?.url);
  const [retry, settings, os, diagnosis] = await Promise.all([
    origin ? store.read(retryItem, origin) : undefined,
    store.read(settingsItem),
    platformOs(),
    store.read(diagnosisItem, tabId),
  ]);
  // Only this incident's diagnosis (an earlier one of the tab is not about it).
  const current = diagnosis && incident && diagnosis.incidentTime === incident.time ? diagnosis : undefined;
  return {
    tabId,
    ...(incident ? { incident } : {}),
    ...(retry ? { retry } : {}),
    hidden: incident ? panelHiddenOn(settings, incident.host) : false,
    os,
    browser: BROWSER_KIND,
    ...(current ? { diagnosis: { verdict: current.verdict.kind, done: current.done, outside: current.outside, ...crowdOf(current) } } : {}),
  };
}
