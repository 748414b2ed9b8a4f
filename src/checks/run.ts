/**
 * Runs checks in parallel and hands over each piece of evidence the moment it arrives, so the
 * popup can show the first lines within milliseconds and refine its verdict as the slow outside
 * sources report. Guarantees, whatever the checks do:
 *
 * - a check that needs consent runs only if the user agreed to its source, and never for a
 *   private host (both are answered at once with "no evidence", without calling the check);
 * - the whole run ends by `deadlineMs`: at the deadline the shared signal aborts and any check
 *   still running is reported as `none/timeout` (or by its last interim evidence) without
 *   waiting for it; the caller's `signal` ends it early the same way (`none/aborted`);
 * - a check that throws becomes "no evidence", and a throwing `onEvidence` cannot break the run;
 * - evidence from outside checks is cached per host (see limits.ts) when a cache is given;
 * - a check with several sources (vantage) may hand over interim evidence, marked `partial`.
 */
import { allows, type Consent } from '../core/consent';
import { isPrivateHost } from '../core/url';
import { noEvidence } from './evidence';
import type { EvidenceCache } from './limits';
import type { Check, CheckContext, Evidence, NoEvidenceReason } from './types';

export interface RunOptions {
  deadlineMs: number;
  consent: Consent;
  signal?: AbortSignal;
  /**
   * Called as evidence arrives: once per check with its final evidence, and before that possibly
   * with interim evidence (`partial: true`) that the final one replaces. Keep the latest per check.
   */
  onEvidence?: (evidence: Evidence) => void;
  cache?: EvidenceCache;
}

/** Evidence for every check, in the order of `checks`. Never rejects. */
export async function runChecks(checks: readonly Check[], ctx: CheckContext, options: RunOptions): Promise<Evidence[]> {
  const started = ctx.now();
  const deadlineMs = Number.isFinite(options.deadlineMs) ? Math.max(0, options.deadlineMs) : 0;
  const controller = new AbortController();
  let ended: 'timeout' | 'aborted' | undefined;
  const end = (why: 'timeout' | 'aborted') => {
    ended ??= why;
    controller.abort();
  };
  const onParentAbort = () => end('aborted');
  if (options.signal?.aborted) end('aborted');
  options.signal?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => end('timeout'), deadlineMs);
  const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  const runCtx: CheckContext = { ...ctx, deadlineAt: started + deadlineMs };

  const results: Evidence[] = new Array(checks.length);
  const notify = (evidence: Evidence) => {
    try {
      options.onEvidence?.(evidence);
    } catch {
      // The listener's problem; the run goes on.
    }
  };
  const deliver = (index: number, evidence: Evidence) => {
    results[index] = evidence;
    notify(evidence);
  };

  await Promise.all(
    checks.map(async (check, index) => {
      const skipped = gate(check, ctx, options.consent);
      if (skipped) return deliver(index, noEvidence(check.id, skipped, 0));
      const cached = cacheable(check) ? options.cache?.get(check.id, cacheHost(check, ctx), cacheTtl(check)) : undefined;
      if (cached) return deliver(index, { ...cached, cached: true });
      if (ended) return deliver(index, noEvidence(check.id, ended, 0));

      const t0 = ctx.now();
      // Each check gets its own signal, aborted with the run's: its requests listen to that one,
      // so the run's signal carries one listener per check rather than one per request.
      const own = new AbortController();
      const forward = () => own.abort();
      controller.signal.addEventListener('abort', forward, { once: true });
      let answered = false;
      let lastInterim: Evidence | undefined;
      // Interim evidence goes to the listener only (never to the cache), and only until the
      // check's final evidence is in. If the deadline cuts the check off, its last interim
      // evidence is what it found.
      const report = (interim: Evidence) => {
        if (answered || own.signal.aborted || interim?.check !== check.id) return;
        lastInterim = { ...interim, partial: true };
        notify(lastInterim);
      };
      const cutOff = (): Evidence => {
        if (!lastInterim) return noEvidence(check.id, ended ?? 'aborted', ctx.now() - t0);
        const { partial: _partial, ...found } = lastInterim;
        return { ...found, ms: ctx.now() - t0 } as Evidence;
      };
      let running: Promise<Evidence>;
      try {
        running = check.run({ ...runCtx, report }, own.signal);
      } catch {
        running = Promise.reject(new Error('check threw synchronously'));
      }
      const outcome = await Promise.race([
        running.then(
          (e): Evidence => (e && e.check === check.id ? e : noEvidence(check.id, 'malformed', ctx.now() - t0)),
          (): Evidence => (own.signal.aborted ? cutOff() : noEvidence(check.id, 'malformed', ctx.now() - t0)),
        ),
        stopped.then(cutOff),
      ]);
      answered = true;
      controller.signal.removeEventListener('abort', forward);
      own.abort(); // whatever the check left running (it already answered, or ran out of time)
      if (cacheable(check) && outcome.outcome.kind !== 'none') options.cache?.put(cacheHost(check, ctx), outcome);
      deliver(index, outcome);
    }),
  );
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onParentAbort);
  controller.abort();
  return results;
}

function gate(check: Check, ctx: CheckContext, consent: Consent): NoEvidenceReason | undefined {
  if (!check.needsConsent) return undefined;
  if (isPrivateHost(ctx.host)) return 'private-host';
  if (!allows(consent, check.id, true)) return 'not-consented';
  return undefined;
}

/**
 * What the visitor's own connection looks like is the same whatever site failed: that evidence is
 * shared by every host for {@link CONNECTIVITY_CACHE_MS}, so sixteen sites failing together cost
 * one connectivity check, not sixteen. Outside evidence is cached per host.
 */
export const CONNECTIVITY_CACHE_MS = 30_000;
const cacheable = (check: Check): boolean => check.needsConsent || check.id === 'connectivity';
const cacheHost = (check: Check, ctx: CheckContext): string => (check.id === 'connectivity' ? '*' : ctx.host);
const cacheTtl = (check: Check): number | undefined => (check.id === 'connectivity' ? CONNECTIVITY_CACHE_MS : undefined);
