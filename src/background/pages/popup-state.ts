import type { PopupState } from '../../protocol/messages';
import { sitePolicy } from '../../core/settings/settings';
import { originOf, watchedSiteUrl } from '../../core/net/url';
import { consentAskedItem, consentItem, settingsItem } from '../../core/settings/stored';
import { incidentItem } from '../../core/incident/stored';
import { recoveredItem, retryItem, watchItem } from '../../core/retry/stored';
import { diagnosisItem } from '../../core/diagnosis/stored';
import { guideMarksItem } from '../../core/present/stored';
import * as store from '../../platform/store';

/**
 * Everything the popup shows, read at once and validated here (see PopupState): for the tab the
 * popup shows (`tabId`), or for none when it was opened to check a site. `inPrivate`: the popup is
 * in a private window; "check any site" and its watch are then that window kind's own, never the other's.
 */
export async function popupState(tabId: number | undefined, checked = '', inPrivate = false): Promise<PopupState> {
  const siteKey = inPrivate ? 'site-private' : 'site';
  const [consent, siteCheck, incident] = await Promise.all([
    store.read(consentItem),
    store.read(diagnosisItem, siteKey),
    tabId === undefined ? undefined : store.read(incidentItem, tabId),
  ]);
  const watched = siteCheck ? watchedSiteUrl(siteCheck.host, checked) : undefined;
  const watchedOrigin = watched ? new URL(watched).origin : undefined;
  const origin = originOf(incident?.url);
  const [watch, retry, recovery, settings, diagnosis, declined, guideMarks] = await Promise.all([
    watchedOrigin ? store.read(watchItem, watchedOrigin) : undefined,
    origin ? store.read(retryItem, origin) : undefined,
    tabId === undefined ? undefined : store.read(recoveredItem, tabId),
    incident ? store.read(settingsItem) : undefined,
    tabId === undefined ? undefined : store.read(diagnosisItem, tabId),
    tabId === undefined ? undefined : store.read(consentAskedItem, tabId),
    tabId === undefined ? {} : store.read(guideMarksItem, tabId),
  ]);
  const ownWatch = watch && (watch.private === true) === inPrivate ? watch : undefined;
  const readFrom = [
    consentItem.key,
    diagnosisItem.key(siteKey),
    ...(watchedOrigin ? [watchItem.key(watchedOrigin)] : []),
    ...(origin ? [retryItem.key(origin)] : []),
    ...(incident ? [settingsItem.key] : []),
    ...(tabId === undefined
      ? []
      : [incidentItem, recoveredItem, diagnosisItem, consentAskedItem, guideMarksItem].map((item) => item.key(tabId))),
  ];
  return {
    consent,
    ...(siteCheck ? { siteCheck } : {}),
    ...(ownWatch ? { watch: ownWatch } : {}),
    ...(incident ? { incident } : {}),
    ...(retry ? { retry } : {}),
    ...(recovery ? { recovery } : {}),
    // A diagnosis of an earlier incident of this tab is not this one's.
    ...(diagnosis && incident && diagnosis.incidentTime === incident.time ? { diagnosis } : {}),
    policy: incident && settings ? sitePolicy(settings, incident.host) : 'default',
    consentDeclined: incident !== undefined && declined === incident.time,
    guideMarks,
    readFrom,
  };
}
