// What the pages that offer the crowd opt-in decide (options, first run, popup): pure, so each rule is unit-tested.
import type { CrowdChoice } from '../../model/crowd';
import { serviceFor } from './choice';
import { parseServiceUrl, type ServiceUrlProblem } from './service-url';

/** The plain sentence shown for each problem of a typed service address (an empty field is no problem: the build's own). */
export const SERVICE_URL_PROBLEM_KEYS: Record<Exclude<ServiceUrlProblem, 'empty'>, string> = {
  'too-long': 'crowdUrlTooLong',
  malformed: 'crowdUrlMalformed',
  scheme: 'crowdUrlScheme',
  insecure: 'crowdUrlInsecure',
  credentials: 'crowdUrlCredentials',
  query: 'crowdUrlQuery',
  fragment: 'crowdUrlFragment',
};

/** The host the disclosure names ("sends … to crowd.example"), or `null`: no service, and the opt-in is not offered. */
export function serviceHost(choice: CrowdChoice, builtIn: string | null | undefined): string | null {
  const service = serviceFor(choice, builtIn);
  return service === null ? null : new URL(service).host;
}

export type AddressChange = { ok: true; choice: CrowdChoice } | { ok: false; problem: Exclude<ServiceUrlProblem, 'empty'> };

/**
 * The options field's text applied to the choice: empty means the build's own service, anything else must pass
 * parseServiceUrl and is kept in normal form. The visitor agreed to send to one service: when the service in use
 * changes (or none is left), the opt-in goes off and must be given again for the new one.
 */
export function withServiceAddress(choice: CrowdChoice, text: string, builtIn: string | null | undefined): AddressChange {
  let serviceUrl: string | null = null;
  if (text.trim() !== '') {
    const parsed = parseServiceUrl(text);
    if (!parsed.ok) return { ok: false, problem: parsed.problem === 'empty' ? 'malformed' : parsed.problem };
    serviceUrl = parsed.url;
  }
  const next: CrowdChoice = { ...choice, serviceUrl };
  const same = serviceFor(next, builtIn) !== null && serviceFor(next, builtIn) === serviceFor(choice, builtIn);
  return { ok: true, choice: same ? next : { ...next, optIn: false } };
}

/**
 * The switch turned on or off. On needs a service and, in Firefox, the "browsing activity" permission asked for in
 * the same click (`granted`); refused, it stays off. Either way the visitor has answered.
 */
export function withOptIn(choice: CrowdChoice, on: boolean, granted: boolean, builtIn: string | null | undefined): CrowdChoice {
  return { ...choice, optIn: on && granted && serviceFor(choice, builtIn) !== null, decided: true };
}

/** The popup offers the opt-in beside its consent question only with a service and while the visitor has not answered. */
export const shouldOfferCrowd = (choice: CrowdChoice, builtIn: string | null | undefined): boolean =>
  !choice.optIn && choice.decided !== true && serviceFor(choice, builtIn) !== null;
