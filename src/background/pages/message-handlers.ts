import { withSitePolicy } from '../../core/settings/settings';
import { isPanelMessage, type Message, type RequestType, type Requests } from '../../protocol/messages';
import * as store from '../../platform/store';
import { consentAskedItem, consentItem, settingsItem } from '../../core/settings/stored';
import { retryItem } from '../../core/retry/stored';
import { incidentItem } from '../../core/incident/stored';
import { getTab } from '../../platform/tab-info';
import { reloadTab } from '../../platform/tabs';
import { clearSiteData, openUrl } from '../../platform/site-data';
import { originOf } from '../../core/net/url';
import { mayLoadAgain } from '../../core/retry/policy';
import { timersPending } from '../../core/async/timers';
import { joinSchedule, leaveSchedule } from '../retry/join';
import { retryNow, stopRetry } from '../retry/controls';
import { syncTabView } from '../tab/view';
import { diagnoseHost, diagnoseTab } from '../diagnosis/diagnose';
import { unwatchSite, watchSite } from '../retry/watch';
import { detection } from '../detect/detection';
import { popupState } from './popup-state';

const report = (error: unknown): void => console.error('Downcheck diagnosis:', error);

/** Answers the popup's and options page's requests (already checked to come from our own pages). */
export async function handleMessage(message: Message): Promise<Requests[RequestType]['response']> {
  if (isPanelMessage(message)) throw new Error('panel requests come from the panel');
  if (message.type === 'page-title') throw new Error('page titles come from the page');
  switch (message.type) {
    case 'retry-now':
      return { started: await retryNow(message.tabId) };
    case 'stop-retry':
      return { stopped: await stopRetry(message.tabId) };
    case 'start-retry': {
      const incident = await store.read(incidentItem, message.tabId);
      if (!incident) return { started: false };
      const started = await joinSchedule(message.tabId, incident, { force: true });
      await syncTabView(message.tabId, { incident });
      return { started };
    }
    case 'resubmit':
      // The visitor confirmed in the popup that the form may be submitted twice.
      return { reloaded: await reloadTab(message.tabId) };
    case 'clear-site-data': {
      const incident = await store.read(incidentItem, message.tabId);
      const tab = await getTab(message.tabId);
      // Not offered in private windows (core/present/guide.ts): browsingData may reach the regular profile.
      if (tab?.incognito !== false) throw new Error('not in a private window');
      const origin = originOf(incident?.url ?? tab?.url);
      if (!origin) throw new Error('no web page in this tab');
      const result = await clearSiteData(origin, { cookies: message.cookies });
      // Load the page again, bypassing the cache, so that it and its files come from the server
      // again, but only a page whose request may be repeated: a form's answer (or a page whose
      // method is unknown) is left for the visitor to send again, with the usual confirmation.
      const url = incident?.url ?? tab?.url;
      const method = incident ? incident.method : undefined;
      if (!url || !mayLoadAgain(method)) return { ...result, reloaded: false, needsConfirmation: true };
      // A GET may be reloaded as it is: only a reload bypasses the cache (a navigation to the same URL may not).
      const reloaded = await reloadTab(message.tabId, true);
      return { ...result, reloaded, needsConfirmation: false };
    }
    case 'open-url':
      await openUrl(message.url, message.tabId);
      return { opened: true };
    case 'diagnose':
      // Not awaited: the popup follows the progress in storage.session. A tab with no incident has nothing to diagnose.
      void store
        .read(incidentItem, message.tabId)
        .then((incident) => incident && diagnoseTab(message.tabId, incident, { outside: true }))
        .catch(report);
      return { started: true };
    case 'inspect-tab':
      return { found: await detection.inspectTab(message.tabId) };
    case 'check-site':
      void diagnoseHost(message.host, { inPrivate: message.private === true }).catch(report);
      return { started: true };
    case 'watch-site':
      return { watching: (await watchSite(message.host, { inPrivate: message.private === true })) !== undefined };
    case 'unwatch-site':
      return { stopped: await unwatchSite(message.host) };
    case 'popup-state':
      return popupState(message.tabId, message.checked, message.private === true);
    case 'set-consent':
      // writeConsent keeps only what validateConsent recognises.
      await store.write(consentItem, message.consent);
      return { saved: true };
    case 'consent-not-now':
      await store.write(consentAskedItem, message.incidentTime, message.tabId);
      return { saved: true };
    case 'worker-stats':
      return { timersPending: timersPending() };
    case 'site-policy': {
      const host = message.host.toLowerCase();
      // A choice made in a private window would leave a trace of the site in the settings (synced, even): not saved.
      // "Never" still stops this session's retries of the site below.
      const tab = message.tabId === undefined ? undefined : await getTab(message.tabId);
      const saved = message.tabId === undefined || tab?.incognito === false;
      if (saved) await store.write(settingsItem, withSitePolicy(await store.read(settingsItem), host, message.policy));
      if (message.policy === 'never') {
        for (const record of await store.readAll(retryItem)) {
          if (new URL(record.origin).hostname !== host) continue;
          for (const tabId of record.tabs) {
            await leaveSchedule(tabId, record.origin);
            await syncTabView(tabId);
          }
        }
      }
      return { policy: message.policy, saved };
    }
  }
}
