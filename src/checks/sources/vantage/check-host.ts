/**
 * check-host.net as a vantage source (https://check-host.net/about/api):
 * `GET /check-http?host=<origin>&max_nodes=<n>` (Accept: application/json) starts a check and
 * names its nodes; `GET /check-result/<id>` gives, per node, `null` (not finished),
 * `[[null]]` (not finished either) or `[[1|0, seconds, message, "status", ip]]`.
 * Results typically take 5–8 s. No published rate limit: one start per check, polls with backoff.
 */
import { fetchJson, timeLeft } from '../../kit/http';
import { entriesOf, isRecord, numberIn, text, token } from '../../../core/schema/validate';
import { locationText, pollUntilDone, type PollSchedule, type SourceResult, type VantageSource } from './source';
import type { NodeState, VantageNode } from '../../../model/evidence';

/** Results take 5–8 s: polls at about 1, 2.3, 4, 6, 8, 10 s — at most 2 s late, six polls per check. */
export const CHECK_HOST_SCHEDULE: PollSchedule = { firstMs: 1_000, factor: 1.3, maxMs: 2_000, reserveMs: 400 };
const MAX_BYTES = 64 * 1024;
const MAX_NODES = 40;
const START_TIMEOUT_MS = 5_000;

interface Started {
  id: string;
  nodes: Map<string, { location: string; country?: string }>;
}

/** `{ ok: 1, request_id, nodes: { name: [cc, country, city, ip, asn] } }`; `{ error }` counts as refused. */
export function parseCheckHostStart(json: unknown): Started | { refused: string } | undefined {
  if (!isRecord(json)) return undefined;
  if (typeof json.error === 'string') return { refused: json.error.slice(0, 100) };
  const id = token(json.request_id, /^[A-Za-z0-9_-]{1,64}$/);
  if (json.ok !== 1 || !id) return undefined;
  const nodes = new Map<string, { location: string; country?: string }>();
  for (const [name, info] of entriesOf(json.nodes, MAX_NODES) ?? []) {
    if (!/^[a-z0-9.-]{1,100}$/i.test(name)) continue;
    const parts = Array.isArray(info) ? info : [];
    const cc = token(parts[0], /^[a-z]{2}$/i)?.toUpperCase();
    nodes.set(name, { location: locationText(text(parts[2], 40), cc), ...(cc ? { country: cc } : {}) });
  }
  return nodes.size ? { id, nodes } : undefined;
}

type NodeResult = 'pending' | { state: NodeState; status?: number; ms?: number };

/** One node's entry in a check-result answer; undefined when it is not recognisable. */
export function parseCheckHostNode(value: unknown): NodeResult | undefined {
  if (value === null) return 'pending';
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = value[0];
  if (first === null) return 'pending';
  if (!Array.isArray(first) || first.length === 0) return undefined;
  if (first[0] === null) return 'pending';
  if (first[0] !== 0 && first[0] !== 1) return undefined;
  const code = token(first[3], /^[1-5]\d\d$/);
  const status = code ? Number(code) : undefined;
  const seconds = numberIn(first[1], 0, 3600);
  // A node that got any HTTP answer reached the site; 5xx means the site is failing there.
  const state: NodeState = status !== undefined ? (status >= 500 ? 'server-error' : 'up') : first[0] === 1 ? 'up' : 'unreachable';
  return { state, ...(status !== undefined ? { status } : {}), ...(seconds !== undefined ? { ms: Math.round(seconds * 1000) } : {}) };
}

export function checkHostSource(options: { base?: string; maxNodes?: number; schedule?: PollSchedule } = {}): VantageSource {
  const id = 'check-host';
  return {
    id,
    name: 'check-host.net',
    async run(ctx, target, signal, stopAt): Promise<SourceResult> {
      const base = options.base ?? ctx.endpoints.checkHost;
      if (!base) return { kind: 'none', reason: 'not-applicable' };
      const startUrl = `${base}/check-http?host=${encodeURIComponent(target.origin)}&max_nodes=${options.maxNodes ?? 4}`;
      const start = await fetchJson(ctx, startUrl, {
        headers: { accept: 'application/json' },
        maxBytes: MAX_BYTES,
        timeoutMs: Math.min(timeLeft(ctx, START_TIMEOUT_MS), Math.max(0, stopAt - ctx.now())),
        signal,
        rateKey: id,
        parse: parseCheckHostStart,
      });
      if (!start.ok) return { kind: 'none', reason: start.reason, ...(start.retryAt !== undefined ? { retryAt: start.retryAt } : {}) };
      if ('refused' in start.value) {
        return /limit/i.test(start.value.refused) ? { kind: 'none', reason: 'rate-limited' } : { kind: 'none', reason: 'http-error' };
      }
      const { id: requestId, nodes: names } = start.value;
      return pollUntilDone(ctx, options.schedule ?? CHECK_HOST_SCHEDULE, stopAt, signal, async (timeoutMs) => {
        const poll = await fetchJson(ctx, `${base}/check-result/${encodeURIComponent(requestId)}`, {
          headers: { accept: 'application/json' },
          maxBytes: MAX_BYTES,
          timeoutMs,
          signal,
          parse: (json) => (isRecord(json) ? json : undefined),
        });
        if (!poll.ok) return { kind: 'none', reason: poll.reason };
        const nodes: VantageNode[] = [];
        let pending = 0;
        for (const [name, place] of names) {
          const result = parseCheckHostNode(poll.value[name] ?? null);
          if (result === undefined) continue; // unrecognisable: leave that node out
          if (result === 'pending') pending += 1;
          else nodes.push({ source: id, ...place, ...result });
        }
        return { kind: 'step', done: pending === 0, nodes };
      });
    },
  };
}
