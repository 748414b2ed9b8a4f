/** `storage.session`: kept while the browser runs, even when the worker is stopped. The worker's own bookkeeping. */
export const SESSION_KEYS = Object.freeze({
  /** Outside services' request budgets and 429 back-offs (checks/limits.ts). */
  limits: 'limits',
  /** Recent outside evidence per host (checks/limits.ts). */
  evidenceCache: 'evidence-cache',
  /** When sites last answered a page load, by origin bucket (core/reachability.ts, platform/reachability.ts). */
  reachability: 'reachability',
});
