/** The checks, in the order the popup lists them: local ones first, then outside sources. */
import { archiveCheck } from './sources/archive';
import { connectivityCheck } from './sources/connectivity';
import { onlineCheck } from './sources/online';
import { dnsCheck } from './sources/dns';
import { gatewayCheck } from './sources/gateway';
import { reprobeCheck } from './sources/reprobe';
import { statusPageCheck } from './sources/status-page';
import type { Check } from './kit/types';
import { vantageCheck } from './sources/vantage/check';

export const ALL_CHECKS: readonly Check[] = [
  gatewayCheck,
  reprobeCheck,
  onlineCheck,
  connectivityCheck,
  dnsCheck,
  vantageCheck,
  statusPageCheck,
  archiveCheck,
];
/**
 * What runs by itself when an incident is recorded: nobody but the failing site is asked (the
 * re-probe asks the site itself; `online` and `gateway` ask nobody).
 */
export const LOCAL_CHECKS: readonly Check[] = ALL_CHECKS.filter((c) => !c.needsConsent);

export { runChecks, type RunOptions } from './run';
export { DEFAULT_ENDPOINTS, KNOWN_STATUS_PAGES, endpointsAt } from './kit/endpoints';
export { EvidenceCache, RateLimiter } from './kit/limits';
export { createVantageCheck, defaultVantageSources } from './sources/vantage/check';
export { checkHostSource } from './sources/vantage/check-host';
export { globalpingSource } from './sources/vantage/globalping';
export { waybackLinkFor } from './sources/archive';
export { CHECK_MESSAGES, noneKey } from './kit/locale-keys';
export { CHECK_IDS } from './kit/types';
export type * from './kit/types';
