/** The checks, in the order the popup lists them: local ones first, then outside sources. */
import { archiveCheck } from './sources/archive';
import { connectivityCheck } from './sources/connectivity';
import { crowdCheck } from './sources/crowd';
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
  crowdCheck,
];
/**
 * What runs by itself when an incident is recorded: nobody but the failing site is asked (the
 * re-probe asks the site itself; `online` and `gateway` ask nobody).
 */
export const LOCAL_CHECKS: readonly Check[] = ALL_CHECKS.filter((c) => !c.needsConsent && !c.optIn);
