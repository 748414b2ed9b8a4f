/** `storage.session`: kept while the browser runs, even when the worker is stopped. The worker's own bookkeeping. */
export const SESSION_KEYS = Object.freeze({
  /** Outside services' request budgets and 429 back-offs (checks/kit/limits.ts). */
  limits: 'limits',
  /** Recent outside evidence per host (checks/kit/limits.ts), for normal windows' diagnoses and checks. */
  evidenceCache: 'evidence-cache',
  /** The same for private (incognito) windows': the two window kinds never share what they asked about. */
  evidenceCachePrivate: 'evidence-cache-private',
  /** The key of the alarms' opaque ids (core/retry/alarm-names.ts, platform/alarms.ts): alarm names never name a site. */
  alarmKey: 'alarm-key',
  /** When sites last answered a page load, by origin bucket (core/diagnosis/reachability.ts, platform/reachability.ts). */
  reachability: 'reachability',
});
