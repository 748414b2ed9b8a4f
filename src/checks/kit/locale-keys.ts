/**
 * Every `_locales` key the checks and the verdict engine produce, with how many substitutions
 * (`$1`, `$2`, …) each takes. Summaries are built from these keys; the popup translates them.
 * Substitutions can carry third-party text (a status page's description, a vantage point's city):
 * already stripped of control characters and bounded, but always to be shown as text, never HTML.
 */
import type { NoEvidenceReason } from '../../model/evidence';

// Pure: only the tests read the table, so bundles that do not may drop it.
export const CHECK_LOCALE_KEYS: Readonly<Record<string, number>> = /* @__PURE__ */ Object.freeze({
  check_reprobe_up: 1,
  check_reprobe_refused: 1,
  check_reprobe_error: 1,
  check_reprobe_unreachable: 0,
  check_reprobe_timeout: 1,
  check_online_recent: 1,
  check_online_offline: 0,
  check_connectivity_online: 1,
  check_connectivity_intercepted: 0,
  check_connectivity_offline: 0,
  check_dns_resolves: 1,
  check_dns_nxdomain: 0,
  check_dns_servfail: 0,
  check_dns_no_address: 0,
  check_dns_inconsistent: 0,
  check_dns_mismatch: 1,
  check_dns_local_fails: 0,
  check_dns_local_mismatch: 1,
  check_vantage_all_up: 1,
  check_vantage_all_down: 1,
  check_vantage_partly: 3,
  check_status_page_ok: 1,
  check_status_page_minor: 2,
  check_status_page_major: 2,
  check_status_page_maintenance: 2,
  check_status_page_none: 0,
  check_archive_found: 1,
  check_archive_missing: 0,
  // The crowd check's rows (core/crowd/evidence.ts) and the popup's age of them.
  crowdHostFailing: 3,
  crowdHostFailingRatio: 4,
  crowdHostFailingMinutes: 4,
  crowdHostFailingHours: 4,
  crowdTooFew: 0,
  crowdUnavailable: 0,
  crowdProviderFailing: 2,
  crowdAgeNow: 0,
  crowdAgeMinutes: 1,
  // "No evidence" lines, shown after the check's name.
  check_none_timeout: 0,
  check_none_malformed: 0,
  check_none_too_large: 0,
  check_none_http_error: 0,
  check_none_rate_limited: 0,
  check_none_network: 0,
  check_none_not_consented: 0,
  check_none_private_host: 0,
  check_none_aborted: 0,
  check_none_not_applicable: 0,
  // The checks' names.
  check_name_reprobe: 0,
  check_name_online: 0,
  check_name_connectivity: 0,
  check_name_gateway: 0,
  check_name_dns: 0,
  check_name_vantage: 0,
  check_name_status_page: 0,
  check_name_archive: 0,
  check_name_crowd: 0,
  // The verdict (see src/core/present/verdict-text.ts VERDICT_KEYS / CONFIDENCE_KEYS).
  verdict_down_for_everyone: 0,
  verdict_partly_down: 0,
  verdict_just_you_connection: 0,
  verdict_just_you_dns: 0,
  verdict_blocked_for_you: 0,
  verdict_back_up: 0,
  verdict_cant_tell: 0,
  confidence_low: 0,
  confidence_medium: 0,
  confidence_high: 0,
});

/** `check_none_rate_limited` for `rate-limited`. */
export const noneLocaleKey = (reason: NoEvidenceReason): string => `check_none_${reason.replace(/-/g, '_')}`;
