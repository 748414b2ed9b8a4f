import type { PopupState } from '../../protocol/messages';
import { sitePolicy } from '../../core/settings/settings';
import { originOf, watchedSiteUrl } from '../../core/net/url';
import { LOCAL_KEYS, retryKey, tabKey, watchKey } from '../../core/schema/legacy/stored';
import { readSettings } from '../../platform/settings';
import {
  diagnosisKey,
  readConsent,
  readConsentAsked,
  readDiagnosis,
  readGuideMarks,
  readIncident,
  readRecovery,
  readRetry,
  readWatch,
} from '../../platform/storage';

/**
 * Everything the popup shows, read at once and validated here (see PopupState): for the tab the
 * popup shows (`tabId`), or for none when it was opened to check a site. `inPrivate`: the popup is
 * in a private window; "check any site" and its watch are then that window kind's own, never the other's.
 */
export async function popupState(tabId: number | undefined, checked = '', inPrivate = false): Promise<PopupState> {
  const siteKey = inPrivate ? 'site-private' : 'site';
  const [consent, siteCheck, incident] = await Promise.all([
    readConsent(),
    readDiagnosis(siteKey),
    tabId === undefined ? undefined : readIncident(tabId),
  ]);
  const watched = siteCheck ? watchedSiteUrl(siteCheck.host, checked) : undefined;
  const watchedOrigin = watched ? new URL(watched).origin : undefined;
  const origin = originOf(incident?.url);
  const [watch, retry, recovery, settings, diagnosis, declined, guideMarks] = await Promise.all([
    watchedOrigin ? readWatch(watchedOrigin) : undefined,
    origin ? readRetry(origin) : undefined,
    tabId === undefined ? undefined : readRecovery(tabId),
    incident ? readSettings() : undefined,
    tabId === undefined ? undefined : readDiagnosis(tabId),
    tabId === undefined ? undefined : readConsentAsked(tabId),
    tabId === undefined ? {} : readGuideMarks(tabId),
  ]);
  const ownWatch = watch && (watch.private === true) === inPrivate ? watch : undefined;
  const readFrom = [
    LOCAL_KEYS.consent,
    diagnosisKey(siteKey),
    ...(watchedOrigin ? [watchKey(watchedOrigin)] : []),
    ...(origin ? [retryKey(origin)] : []),
    ...(incident ? [LOCAL_KEYS.settings] : []),
    ...(tabId === undefined
      ? []
      : (['incident', 'recovered', 'diagnosis', 'consent-asked', 'guide'] as const).map((record) => tabKey(record, tabId))),
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
