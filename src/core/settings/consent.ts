/**
 * Which outside sources the user has agreed to, one by one. Local checks (the re-probe of the
 * failing site itself, what the browser knows about being online, the gateway's own answer) tell
 * nobody anything and need no consent; every check that asks anyone but the failing site does:
 * those that tell a third party which site the user visits, and the connectivity baseline, which
 * tells Google and Cloudflare only that this browser is online now (and its IP address, as any
 * request does). Default: nothing agreed. Validated on every read, like settings: only
 * a literal `true` counts as agreement.
 */
import { CONSENT_SOURCES, type Consent, type ConsentSource } from '../../model/settings';
import type { CheckId } from '../../model/evidence';

export const DEFAULT_CONSENT: Readonly<Consent> = Object.freeze({
  connectivity: false,
  dns: false,
  vantage: false,
  statusPage: false,
  archive: false,
});

export function validateConsent(raw: unknown): Consent {
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  return {
    connectivity: r.connectivity === true,
    dns: r.dns === true,
    vantage: r.vantage === true,
    statusPage: r.statusPage === true,
    archive: r.archive === true,
  };
}

const SOURCE_OF: Readonly<Record<CheckId, ConsentSource | null>> = {
  reprobe: null,
  online: null,
  connectivity: 'connectivity',
  gateway: null,
  dns: 'dns',
  vantage: 'vantage',
  'status-page': 'statusPage',
  archive: 'archive',
  // Its own opt-in (core/crowd/choice.ts), carried to the check by the diagnosis: no consent source of its own.
  crowd: null,
};

const known = (check: string): check is CheckId => Object.prototype.hasOwnProperty.call(SOURCE_OF, check);

/** The consent a check needs, or `null` for local checks (and for ids it does not know). */
export function consentFor(check: CheckId): ConsentSource | null {
  return known(check) ? SOURCE_OF[check] : null;
}

/**
 * Whether `check` may run under `consent`. `needsConsent` defaults to what the check is known to
 * need; an unknown check is treated as needing a consent nobody can give (fail closed).
 */
export function allows(consent: Consent, check: CheckId, needsConsent: boolean = !known(check) || SOURCE_OF[check] !== null): boolean {
  if (!needsConsent) return true;
  const source = consentFor(check);
  return source !== null && validateConsent(consent)[source];
}

/** A copy with one source switched. */
export const withConsent = (consent: Consent, source: ConsentSource, agreed: boolean): Consent => ({
  ...validateConsent(consent),
  [source]: agreed === true,
});

export const anyConsent = (consent: Consent): boolean => CONSENT_SOURCES.some((s) => validateConsent(consent)[s]);

/**
 * The sources that tell someone else which site the visitor is on (its name or address): what
 * Firefox calls "browsing activity" in its data collection permissions. The connectivity baseline
 * tells nobody anything about the site.
 */
export const SENDS_SITE: readonly ConsentSource[] = ['dns', 'vantage', 'statusPage', 'archive'];

/** Whether `consent` allows any source that sends the site's name. */
export const sendsSite = (consent: Consent): boolean => SENDS_SITE.some((s) => consent[s]);

/** `consent` with every source that sends the site's name withdrawn (the browser's permission for that was refused). */
export function withoutSiteSources(consent: Consent): Consent {
  return SENDS_SITE.reduce((c: Consent, s) => withConsent(c, s, false), validateConsent(consent));
}
