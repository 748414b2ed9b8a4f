/**
 * Runs checks in parallel and hands over each piece of evidence the moment it arrives, so the
 * popup can show the first lines within milliseconds and refine its verdict as the slow outside
 * sources report. Guarantees, whatever the checks do:
 *
 * - a check that needs consent runs only if the user agreed to its source (the crowd check: only
 *   with its own opt-in, `ctx.crowd`), and never for a private host (both are answered at once
 *   with "no evidence", without calling the check);
 * - nor for a public name whose address is private: the address the browser connected to, the
 *   browser's own resolver (Firefox) and, once they answered, the public resolvers the visitor
 *   agreed to ask are looked at first (DNS itself waits only for the first two); a name public DNS
 *   does not know, or knows only with private addresses, is private too (core/net/intranet.ts), and
 *   after a DNS failure the others wait for the public resolvers' answer however long it takes,
 *   and go ahead only if it vouches for the name;
 * - the whole run ends by `deadlineMs`: at the deadline the shared signal aborts and any check
 *   still running is reported as `none/timeout` (or by its last interim evidence) without
 *   waiting for it; the caller's `signal` ends it early the same way (`none/aborted`);
 * - a check that throws becomes "no evidence", and a throwing `onEvidence` cannot break the run;
 * - evidence from outside checks is cached per host (see limits.ts) when a cache is given;
 * - a check with several sources (vantage) may hand over interim evidence, marked `partial`.
 */
import { allows } from '../core/settings/consent';
import type { Consent } from '../model/settings';
import { failedOnDns, nameStaysInside, publicDnsVerdict } from '../core/net/intranet';
import { isPrivateIp } from '../core/net/ip';
import { isPrivateHost } from '../core/net/url';
import { after, cancel, type Timer } from '../core/async/timers';
import { bareHost, isIpLiteral, noEvidence } from './kit/no-evidence';
import type { EvidenceCache } from './kit/limits';
import type { Check, CheckContext } from './kit/types';
import type { Evidence, NoEvidenceReason } from '../model/evidence';

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
  const timer = after(deadlineMs, () => end('timeout'));
  const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  const runCtx: CheckContext = { ...ctx, deadlineAt: started + deadlineMs };

  const results: Evidence[] = new Array(checks.length);
  let dnsAnswered: (evidence: Evidence | undefined) => void = () => undefined;
  const dnsEvidence = new Promise<Evidence | undefined>((resolve) => (dnsAnswered = resolve));
  if (!checks.some((c) => c.id === 'dns')) dnsAnswered(undefined);
  // A resolver that hangs must not hold the other sources up for the whole run: they wait for its
  // answer only so long (no answer is not a private answer).
  const dnsWaitMs = Math.min(DNS_WAIT_MS, deadlineMs / 3);
  let dnsTimer: Timer | undefined;
  // After a DNS failure the name may be an intranet one: nothing else goes out before DNS answered.
  const dnsWait = failedOnDns(ctx.incident)
    ? new Promise<undefined>(() => undefined)
    : new Promise<undefined>((resolve) => (dnsTimer = after(dnsWaitMs, () => resolve(undefined))));
  const address = addressGate(ctx, Promise.race([dnsEvidence, dnsWait, stopped.then(() => undefined)]));
  const notify = (evidence: Evidence) => {
    try {
      options.onEvidence?.(evidence);
    } catch {
      // The listener's problem; the run goes on.
    }
  };
  const deliver = (index: number, evidence: Evidence) => {
    results[index] = evidence;
    if (evidence.check === 'dns') dnsAnswered(evidence);
    notify(evidence);
  };

  await Promise.all(
    checks.map(async (check, index) => {
      const skipped = gate(check, ctx, options.consent);
      if (skipped) return deliver(index, noEvidence(check.id, skipped, 0));
      if (asksOutside(check) && (await (check.id === 'dns' ? address.known() : address.answered()))) {
        return deliver(index, noEvidence(check.id, 'private-host', 0));
      }
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
  cancel(timer);
  cancel(dnsTimer); // the run is over: nothing waits for DNS any more, so no timer may outlive it
  options.signal?.removeEventListener('abort', onParentAbort);
  controller.abort();
  return results;
}

/** A check that asks anyone but the failing site: with the visitor's consent, or with its own opt-in (the crowd). */
const asksOutside = (check: Check): boolean => check.needsConsent || check.optIn !== undefined;

function gate(check: Check, ctx: CheckContext, consent: Consent): NoEvidenceReason | undefined {
  if (!asksOutside(check)) return undefined;
  if (isPrivateHost(ctx.host)) return 'private-host';
  if (check.optIn === 'crowd') return ctx.crowd ? undefined : 'not-consented';
  if (!allows(consent, check.id, true)) return 'not-consented';
  return undefined;
}

/** How long the browser's own resolver may take to say where the site is (Firefox `dns.resolve`). */
const LOCAL_RESOLVE_MS = 2_000;
/** How long the other outside checks wait for the public resolvers' answer (at most a third of the run). */
const DNS_WAIT_MS = 3_000;

/**
 * Whether the failing site's address is private although its name is public (an intranet name in
 * public DNS, a DNS-rebinding answer): `known()` from what the browser already knows, the address
 * it connected to and its own resolver; `answered()` also from the public resolvers, once their
 * evidence is in. Each is worked out once per run.
 */
function addressGate(ctx: CheckContext, dns: Promise<Evidence | undefined>): { known(): Promise<boolean>; answered(): Promise<boolean> } {
  let known: Promise<boolean> | undefined;
  let answered: Promise<boolean> | undefined;
  const local = async (): Promise<boolean> => {
    if (!ctx.resolveDns || isIpLiteral(ctx.host)) return false;
    let timer: Timer | undefined;
    const timeout = new Promise<string[]>((resolve) => (timer = after(LOCAL_RESOLVE_MS, () => resolve([]))));
    try {
      const addresses = await Promise.race([ctx.resolveDns(bareHost(ctx.host)), timeout]);
      return Array.isArray(addresses) && addresses.some((a) => typeof a !== 'string' || isPrivateIp(a));
    } catch {
      return false; // no answer is not a private answer
    } finally {
      cancel(timer);
    }
  };
  const viaBrowser = ctx.browserIp ?? ctx.incident?.ip;
  const knownPrivate = (): Promise<boolean> =>
    (known ??= viaBrowser !== undefined && isPrivateIp(viaBrowser) ? Promise.resolve(true) : local());
  return {
    known: knownPrivate,
    answered: () =>
      (answered ??= (async () => {
        if (await knownPrivate()) return true;
        return nameStaysInside(publicDnsVerdict(await dns), ctx.incident);
      })()),
  };
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
