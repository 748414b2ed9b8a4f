// Hostile and huge answers: every outside service's stand-in answers too slowly,
// with 10 MB, with bytes that are not UTF-8, with JSON nested 8,000 deep, with 429 and 5xx, and
// with a connection reset halfway through the body. Against real local servers (node http), through
// the production checks and runChecks: the hostile source gives no evidence ("can't tell" for that
// source), the other sources still count in the verdict, and nothing waits beyond its deadline.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/all-checks';
import { runChecks } from '../../../src/checks/run';
import type { Check, CheckContext } from '../../../src/checks/kit/types';
import type { Evidence, NoEvidenceReason } from '../../../src/model/evidence';
import { createVantageCheck } from '../../../src/checks/sources/vantage/check';
import { checkHostSource } from '../../../src/checks/sources/vantage/check-host';
import { globalpingSource } from '../../../src/checks/sources/vantage/globalping';
import { classify } from '../../../src/core/incident/classify';
import type { Consent } from '../../../src/model/settings';
import { verdict } from '../../../src/core/diagnosis/verdict';
import { DEFAULT_BEHAVIOUR, type Behaviour, type Fault } from '../../fixtures/outside-services.mjs';
import { contextFor, FAILING_URL, timed, useOutsideServices } from './helpers';

const services = useOutsideServices();

const EVERYTHING: Consent = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };
const FAST = { firstMs: 20, factor: 1.5, maxMs: 60, reserveMs: 40 };
const CHECKS: Check[] = ALL_CHECKS.map((c) =>
  c.id === 'vantage' ? createVantageCheck([checkHostSource({ schedule: FAST }), globalpingSource({ schedule: FAST })]) : c,
);
/** The whole diagnosis must end by this, whatever the sources do. */
const DEADLINE_MS = 1_500;
/** Timer and event-loop slack on a loaded 2-core machine. */
const SLACK_MS = 400;

/** The failing site shop.example is the stand-in; its status page is a known one, so a failure there is not "no page". */
function siteContext(overrides: Partial<CheckContext> = {}): CheckContext {
  const realFetch = globalThis.fetch;
  const viaStandIn: typeof fetch = (input, init) =>
    realFetch(String(input).replace(/^https?:\/\/shop\.example(:\d+)?/, services.base), init);
  const ctx = contextFor(services, { fetch: viaStandIn, ...overrides });
  return { ...ctx, endpoints: { ...ctx.endpoints, statusPages: { 'shop.example': `${services.base}/_/status.shop.example` } } };
}

const cf522 = classify({
  kind: 'http',
  url: FAILING_URL,
  status: 522,
  headers: [
    { name: 'server', value: 'cloudflare' },
    { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
  ],
  time: 1,
})!;
const timedOut = classify({ kind: 'network', url: FAILING_URL, error: 'net::ERR_CONNECTION_TIMED_OUT', time: 1 })!;

/** Down for everyone, as every source sees it when it answers properly. */
const DOWN: Behaviour = {
  site: { status: 522, headers: { server: 'cloudflare' } },
  checkHost: { nodes: DEFAULT_BEHAVIOUR.checkHost.nodes!.map((n) => ({ ...n, state: 'error' as const, status: 503 })) },
  globalping: { probes: DEFAULT_BEHAVIOUR.globalping.probes!.map((p) => ({ ...p, state: 'unreachable' as const })) },
  statusPage: { pages: { 'status.shop.example': { indicator: 'major', description: 'Major outage', name: 'Shop' } } },
};

/** What each hostile answer may become: no evidence, for one of these reasons. */
const REASONS: Record<Exclude<Fault, 'reset' | 'slow-body' | 'malformed' | 'wrong-shape' | 'huge' | 'html'>, NoEvidenceReason[]> = {
  hang: ['timeout'],
  'huge-10mb': ['too-large'],
  'invalid-utf8': ['malformed'],
  'deep-json': ['malformed'],
  'rate-limited': ['rate-limited'],
  'http-500': ['http-error'],
  'http-502': ['http-error'],
  'http-503': ['http-error'],
  'reset-mid-body': ['network'],
};
const FAULTS = Object.keys(REASONS) as Array<keyof typeof REASONS>;

type Source = 'doh' | 'checkHost' | 'globalping' | 'statusPage' | 'wayback';
/** Two halves, so that while one half is hostile the other still gives a verdict. */
const HALVES: ReadonlyArray<readonly Source[]> = [
  ['doh', 'checkHost', 'wayback'],
  ['globalping', 'statusPage'],
];

function withFault(base: Behaviour, sources: readonly Source[], fault: Fault): Behaviour {
  const out: Behaviour = { ...base };
  for (const s of sources) (out as Record<string, unknown>)[s] = { ...(base[s] ?? {}), fault };
  return out;
}

const byCheck = (evidence: Evidence[], id: Evidence['check']) => evidence.find((e) => e.check === id)!;
const vantageReport = (evidence: Evidence[], source: string) => {
  const e = byCheck(evidence, 'vantage');
  return e.outcome.kind === 'observed'
    ? e.outcome.sources.find((s) => s.source === source)?.result
    : e.outcome.kind === 'none'
      ? e.outcome.reason
      : undefined;
};

async function diagnose(ctx: CheckContext) {
  const { value, ms } = await timed(runChecks(CHECKS, ctx, { deadlineMs: DEADLINE_MS, consent: EVERYTHING }));
  return { evidence: value, ms, verdict: verdict(value) };
}

describe('hostile and huge answers from the outside services', () => {
  it('baseline: with every source answering properly, the site is down for everyone', async () => {
    services.setBehaviour(DOWN);
    const { evidence, verdict: v } = await diagnose(siteContext({ incident: cf522 }));
    expect(evidence.map((e) => e.outcome.kind)).toEqual([
      'link',
      'answered',
      'none',
      'online',
      'answers',
      'observed',
      'reported',
      'archived',
      'none', // the crowd: no opt-in in this context
    ]);
    expect(v.kind).toBe('down-for-everyone');
  });

  for (const fault of FAULTS) {
    for (const half of HALVES) {
      it(`${fault} from ${half.join(', ')}: no evidence from them, the others still decide, within the deadline`, async () => {
        services.setBehaviour(withFault(DOWN, half, fault));
        const { evidence, ms, verdict: v } = await diagnose(siteContext({ incident: cf522 }));
        expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
        const allowed = REASONS[fault];
        if (half.includes('doh')) expect(allowed).toContain((byCheck(evidence, 'dns').outcome as { reason?: string }).reason);
        if (half.includes('wayback')) expect(allowed).toContain((byCheck(evidence, 'archive').outcome as { reason?: string }).reason);
        if (half.includes('statusPage'))
          expect(allowed).toContain((byCheck(evidence, 'status-page').outcome as { reason?: string }).reason);
        const hostile = half.includes('checkHost') ? 'check-host' : 'globalping';
        const healthy = hostile === 'check-host' ? 'globalping' : 'check-host';
        expect(allowed).toContain(vantageReport(evidence, hostile));
        expect(vantageReport(evidence, healthy)).toBe('complete');
        const vantage = byCheck(evidence, 'vantage').outcome;
        expect(vantage.kind === 'observed' && vantage.nodes.every((n) => n.source === healthy)).toBe(true);
        // The sources left still count: three vantage points down, the gateway's 522.
        expect(v.kind).toBe('down-for-everyone');
      });
    }

    it(`${fault} from every outside service at once: the verdict rests on local evidence alone`, async () => {
      services.setBehaviour(
        withFault({ ...DOWN, site: { fault: 'hang' } }, ['doh', 'checkHost', 'globalping', 'statusPage', 'wayback'], fault),
      );
      const { evidence, ms, verdict: v } = await diagnose(siteContext({ incident: timedOut }));
      expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      for (const id of ['dns', 'vantage', 'status-page', 'archive'] as const) {
        expect(byCheck(evidence, id).outcome.kind, id).toBe('none');
        expect(REASONS[fault], id).toContain((byCheck(evidence, id).outcome as { reason: string }).reason);
      }
      // A timed-out page, a site that does not answer the re-probe either, no outside view: can't tell.
      expect(v.kind).toBe('cant-tell');
    });
  }

  it('a 10 MB answer is abandoned after the first 64 KB or so, not read to the end', async () => {
    services.setBehaviour({ ...DOWN, doh: { fault: 'huge-10mb' } });
    const ctx = siteContext();
    let received = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await ctx.fetch(input, init);
      if (!String(input).includes('/dns-query') || !response.body) return response;
      const reader = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          received += value.byteLength;
          controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const [dns] = await runChecks(
      CHECKS.filter((c) => c.id === 'dns'),
      { ...ctx, fetch: counting },
      { deadlineMs: DEADLINE_MS, consent: EVERYTHING },
    );
    expect(dns!.outcome).toEqual({ kind: 'none', reason: 'too-large' });
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(1024 * 1024);
  });
});
