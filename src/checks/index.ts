/** The checks, in the order the popup lists them: local ones first, then outside sources. */
import { archiveCheck } from './archive';
import { connectivityCheck } from './connectivity';
import { onlineCheck } from './online';
import { dnsCheck } from './dns';
import { gatewayCheck } from './gateway';
import { reprobeCheck } from './reprobe';
import { statusPageCheck } from './status-page';
import type { Check } from './types';
import { vantageCheck } from './vantage';

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
export { DEFAULT_ENDPOINTS, KNOWN_STATUS_PAGES, endpointsAt } from './endpoints';
export { EvidenceCache, RateLimiter } from './limits';
export { createVantageCheck, defaultVantageSources } from './vantage';
export { checkHostSource } from './vantage-check-host';
export { globalpingSource } from './vantage-globalping';
export { waybackLinkFor } from './archive';
export { CHECK_MESSAGES, noneKey } from './messages';
export { CHECK_IDS } from './types';
export type * from './types';
