/**
 * The background worker's entry point: listeners registered synchronously at top level (so a
 * stopped worker is woken by the event that needs it), no state kept in globals.
 */
import { clearLegacyAlarms, onAlarm } from '../platform/alarms';
import { onConnectivityChanged } from '../platform/connectivity';
import { serveMessages } from '../platform/message-server';
import { onInstalled, openWelcome } from '../platform/lifecycle';
import { clearNotification, onNotificationClicked } from '../platform/notify';
import { noteSiteAnswered, onSiteAnswered } from '../platform/reachability';
import { focusTab, onTabActivated, onTabRemoved, openTab } from '../platform/tabs';
import { migrateStore } from '../platform/store-migrate';
import { storeOwnReads } from '../platform/store';
import { consentItem } from '../core/settings/stored';
import { onItemsChanged, watchItem } from '../platform/store-changes';
import { consentChanged, crowdChanged, tabLookedAt } from './diagnosis/consent-trigger';
import { crowdChoiceItem } from '../core/crowd/stored';
import { handleTabRemoved, resumeTabs } from './incident/resume';
import { detection } from './detect/detection';
import { handleMessage } from './pages/message-handlers';
import { handlePanelRequest } from './in-page/panel';
import { onCheckMenuClicked, onOmniboxEntered } from '../platform/entry-points';
import { checkFromEntryPoint, installCheckMenu } from './diagnosis/check-any';
import {
  resumeWatches,
  urlOfWatchNotification,
  WATCH_ALARM_PREFIX,
  WATCH_NOTIFICATION_PREFIX,
  watchAlarm,
  watchesConnectivityChanged,
} from './retry/watch';
import { ALARM_PREFIX, retryAlarm } from './retry/probe';
import { RECOVERED_NOTIFICATION_PREFIX } from './retry/recover';
import { connectivityChanged, resumeRetries } from './retry/controls';

const report = (where: string) => (error: unknown) => console.error(`Downcheck ${where}:`, error);

// Only the worker writes the tabs' incidents: it reads them from memory once known (platform/store.ts).
storeOwnReads();
detection.start(report);
// "Am I online?" without asking anyone: when other sites last answered (by bucket, never by name).
onSiteAnswered((url) => void noteSiteAnswered(url).catch(report('reachability')));
onTabRemoved((tabId) => void handleTabRemoved(tabId).catch(report('tab removed')));
onTabActivated((tabId) => void tabLookedAt(tabId).catch(report('tab activated')));
onAlarm((name) => {
  if (name.startsWith(ALARM_PREFIX)) void retryAlarm(name.slice(ALARM_PREFIX.length)).catch(report('alarm'));
  if (name.startsWith(WATCH_ALARM_PREFIX)) void watchAlarm(name.slice(WATCH_ALARM_PREFIX.length)).catch(report('watch alarm'));
});
onConnectivityChanged((online) => {
  void connectivityChanged(online).catch(report('connectivity'));
  void watchesConnectivityChanged(online).catch(report('watch connectivity'));
});
onNotificationClicked((id) => {
  // A watched site is back: open it.
  if (id.startsWith(WATCH_NOTIFICATION_PREFIX)) {
    void urlOfWatchNotification(id)
      .then((url) => (url ? openTab(url) : undefined))
      .then(() => clearNotification(id))
      .catch(report('notification'));
    return;
  }
  if (!id.startsWith(RECOVERED_NOTIFICATION_PREFIX)) return;
  const tabId = Number(id.slice(RECOVERED_NOTIFICATION_PREFIX.length));
  if (Number.isInteger(tabId))
    void focusTab(tabId)
      .then(() => clearNotification(id))
      .catch(report('notification'));
});
serveMessages({
  page: handleMessage,
  panel: handlePanelRequest,
  pageTitle: async (tabId, url, title) => ({ judged: (await detection.titleChanged?.(tabId, url, title)) ?? false }),
});
// Check any site: `down example.com` in the address bar, or "Is this site down?" on a page or link.
onOmniboxEntered((text) => void checkFromEntryPoint(text).catch(report('omnibox')));
onCheckMenuClicked((url) => void checkFromEntryPoint(url).catch(report('menu')));
onItemsChanged([
  // Consent just given: the checks run by themselves for the incident in the active tab.
  watchItem(consentItem, (before, after) => void consentChanged(before, after).catch(report('consent'))),
  // The crowd opt-in just given: the active tab's incident gets its crowd row.
  watchItem(crowdChoiceItem, (before, after) => void crowdChanged(before, after).catch(report('crowd'))),
]);
onInstalled((reason) => {
  void installCheckMenu().catch(report('menu'));
  // The first-run page asks, in plain words and per source, which outside services may be asked.
  if (reason === 'install') void openWelcome().catch(report('welcome'));
});

// What an older version stored is brought up to the current schema (every read validates anyway).
void migrateStore().catch(report('migrate'));
// A worker stopped halfway left work undone (a recording, a closed tab, a diagnosis); timers die
// with the worker, schedules in storage.session do not. Tabs first: they may join or leave schedules.
void resumeTabs()
  .catch(report('resume tabs'))
  .then(() => detection.resume?.())
  .catch(report('resume detection'))
  .then(() => resumeRetries())
  .catch(report('resume'));
void resumeWatches().catch(report('resume watches'));
// Alarms an older version named after their site (Chrome keeps them on disk): the resumes above arm each anew.
void clearLegacyAlarms([ALARM_PREFIX, WATCH_ALARM_PREFIX]).catch(report('legacy alarms'));
