/**
 * Soft incidents (a page served as healthy but titled like an error page) are judged from what a
 * page says about itself, so a page can make as many as it likes: one rewriting its address with
 * `history.pushState` under an error title would record one per rewrite. Per
 * tab, a few are recorded within a window; the rest are not. Real HTTP and network failures are
 * never limited.
 */
export const SOFT_INCIDENT_WINDOW_MS = 10 * 60_000;
export const SOFT_INCIDENTS_PER_WINDOW = 3;

/**
 * Whether another soft incident may be recorded for a tab at `now`, given the times (epoch ms)
 * of the ones it already recorded. Times in the future or outside the window do not count.
 */
export function softIncidentAllowed(recordedAt: readonly number[], now: number): boolean {
  const recent = recordedAt.filter((t) => Number.isFinite(t) && t <= now && now - t < SOFT_INCIDENT_WINDOW_MS);
  return recent.length < SOFT_INCIDENTS_PER_WINDOW;
}
