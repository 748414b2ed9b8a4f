// An incident as the reporting rules (should-report.ts) see it: what failed, and whether the browser caused it itself.
import type { Incident } from '../../model/incident';
import type { CrowdFailure, ReportFacts } from './should-report';

/** The failure as Downcheck saw it on the page: a status, a network error, or a soft error. */
export function failureOf(incident: Pick<Incident, 'kind' | 'status' | 'netError'>): CrowdFailure {
  if (incident.kind === 'http') return { kind: 'http', status: incident.status ?? 0 };
  if (incident.kind === 'network') return { kind: 'network', error: incident.netError ?? 'other' };
  return { kind: 'soft' };
}

// The visitor's own proxy, client certificate or network change, not the site: reports of them would count nothing real.
const BROWSER_SIDE = /CLIENT_AUTH|PROXY|NETWORK_CHANGED|NETWORK_ACCESS_DENIED|INTERNET_DISCONNECTED|NS_ERROR_OFFLINE/i;

/** The browser (or the visitor's own setup) caused the failure: offline, its proxy failed, a client certificate asked. */
export const causedByBrowser = (incident: Pick<Incident, 'netError' | 'rawError'>): boolean =>
  incident.netError === 'offline' || BROWSER_SIDE.test(incident.rawError ?? '');

/** The facts decideReport weighs for a tab's incident (always a main-frame load: sub-frame failures are no incidents). */
export function reportFactsOf(
  incident: Incident,
  context: Omit<ReportFacts, 'mainFrame' | 'url' | 'failure' | 'causedByBrowser' | 'platform' | 'ip'>,
): ReportFacts {
  return {
    ...context,
    mainFrame: true,
    url: incident.url,
    failure: failureOf(incident),
    causedByBrowser: causedByBrowser(incident),
    ...(incident.platform ? { platform: incident.platform.id } : {}),
    ...(incident.ip ? { ip: incident.ip } : {}),
  };
}
