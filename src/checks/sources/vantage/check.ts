/**
 * Outside vantage: can the site be reached from elsewhere in the world? Each source (check-host.net,
 * Globalping, later a self-hosted probe service) starts a measurement of the site's origin and is
 * polled with backoff until it finishes or the deadline comes; whatever nodes have answered by then
 * count. Sources run in parallel and their nodes are merged. Sends the origin (scheme, host, port;
 * never path or query) to the services: needs consent.
 *
 * Adding a source = implementing {@link VantageSource} and passing it to {@link createVantageCheck}.
 */
import { describeUrl } from '../../../core/net/url';
import { timeLeft } from '../../kit/http';
import { noEvidence, refuseOutside } from '../../kit/no-evidence';
import { checkHostSource } from './check-host';
import { globalpingSource } from './globalping';
import type { Check, CheckContext } from '../../kit/types';
import type { EvidenceFor, NoEvidenceReason, VantageOutcome, VantageSourceReport } from '../../../model/evidence';
import type { SourceResult, VantageSource, VantageTarget } from './source';

/** The longest a vantage check waits when no deadline is given (check-host results take 5–8 s). */
export const VANTAGE_BUDGET_MS = 12_000;

/** The sources built from ctx.endpoints: check-host.net and Globalping unless set to null. */
export const defaultVantageSources = (): VantageSource[] => [checkHostSource(), globalpingSource()];

const REASON_PRIORITY: readonly NoEvidenceReason[] = [
  'rate-limited',
  'timeout',
  'http-error',
  'malformed',
  'too-large',
  'network',
  'aborted',
  'not-applicable',
];

export function createVantageCheck(sources: readonly VantageSource[] = defaultVantageSources()): Check {
  return {
    id: 'vantage',
    needsConsent: true,
    async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'vantage'>> {
      const started = ctx.now();
      const refused = refuseOutside(ctx);
      if (refused) return noEvidence('vantage', refused, 0);
      const url = describeUrl(ctx.origin);
      if (!url.ok || !url.isWeb || (url.scheme !== 'http' && url.scheme !== 'https')) return noEvidence('vantage', 'not-applicable', 0);
      const target: VantageTarget = {
        host: url.host.replace(/^\[|\]$/g, '').replace(/\.$/, ''),
        scheme: url.scheme,
        ...(url.port ? { port: Number(url.port) } : {}),
        origin: url.origin,
      };
      const stopAt = ctx.now() + timeLeft(ctx, VANTAGE_BUDGET_MS);
      const finished: Array<[VantageSource, SourceResult]> = [];
      const results = await Promise.all(
        sources.map((source) =>
          source
            .run(ctx, target, signal, stopAt)
            .then(
              (r): [VantageSource, SourceResult] => [source, r],
              (): [VantageSource, SourceResult] => [source, { kind: 'none', reason: 'malformed' }], // a source bug is "no evidence"
            )
            .then((entry) => {
              // The first sources to finish are shown while slower ones are still polling.
              finished.push(entry);
              if (finished.length < sources.length && !signal.aborted) {
                const interim = combine(finished, ctx.now() - started, signal);
                if (interim.outcome.kind === 'observed') ctx.report?.({ ...interim, partial: true });
              }
              return entry;
            }),
        ),
      );
      return combine(results, ctx.now() - started, signal);
    },
  };
}

/** One piece of evidence from what the sources have said so far. */
function combine(results: ReadonlyArray<[VantageSource, SourceResult]>, ms: number, signal: AbortSignal): EvidenceFor<'vantage'> {
  const reports: VantageSourceReport[] = results.map(([source, r]) => ({
    source: source.id,
    result: r.kind === 'nodes' ? (r.complete ? 'complete' : 'partial') : r.reason,
    ...(r.retryAt !== undefined ? { retryAt: r.retryAt } : {}),
  }));
  const nodes = results.flatMap(([, r]) => (r.kind === 'nodes' ? r.nodes : []));
  if (nodes.length === 0) {
    const reasons = results.map(([, r]) => (r.kind === 'none' ? r.reason : signal.aborted ? 'aborted' : 'timeout'));
    const reason = REASON_PRIORITY.find((p) => reasons.includes(p)) ?? 'not-applicable';
    const retryAt = results.map(([, r]) => r.retryAt).find((t) => t !== undefined);
    return noEvidence('vantage', reason, ms, reason === 'rate-limited' ? retryAt : undefined);
  }
  const up = nodes.filter((n) => n.state === 'up').length;
  const outcome: VantageOutcome = { kind: 'observed', nodes, up, down: nodes.length - up, sources: reports };
  return { check: 'vantage', outcome, summary: vantageSummary(outcome), ms };
}

export const vantageCheck: Check = createVantageCheck();

function vantageSummary(o: VantageOutcome): EvidenceFor<'vantage'>['summary'] {
  const total = String(o.nodes.length);
  if (o.down === 0) return { key: 'check_vantage_all_up', subs: [total] };
  if (o.up === 0) return { key: 'check_vantage_all_down', subs: [total] };
  const failing = [...new Set(o.nodes.filter((n) => n.state !== 'up').map((n) => n.location))].slice(0, 3).join('; ');
  return { key: 'check_vantage_partly', subs: [String(o.up), total, failing] };
}
