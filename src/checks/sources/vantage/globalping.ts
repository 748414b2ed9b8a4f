/**
 * Globalping as a vantage source (jsdelivr/globalping, https://globalping.io/docs/api.globalping.io):
 * `POST /v1/measurements` with an http measurement (HEAD /, so no body comes back) answers
 * 202 `{ id, probesCount }` with `X-RateLimit-*` headers, or 429 when the anonymous budget is
 * spent; `GET /v1/measurements/<id>` is polled until `status: "finished"`. Each result has
 * `result.status` (`in-progress`, `finished`, `failed`, `offline`) and, when it got one,
 * `result.statusCode`.
 */
import { fetchJson, timeLeft } from '../../kit/http';
import { arrayOf, intIn, isRecord, numberIn, oneOf, text, token } from '../../../core/schema/validate';
import { locationText, pollUntilDone, type PollSchedule, type SourceResult, type VantageSource, type VantageTarget } from './source';
import type { NodeState, VantageNode } from '../../../model/evidence';

/** Globalping asks clients to poll about every 500 ms; backing off to 2 s keeps long waits cheap. */
export const GLOBALPING_SCHEDULE: PollSchedule = { firstMs: 500, factor: 1.5, maxMs: 2_000, reserveMs: 400 };
const MAX_BYTES = 256 * 1024;
const MAX_RESULTS = 50;
const START_TIMEOUT_MS = 5_000;

export interface GlobalpingOptions {
  base?: string;
  /** Probes in total. */
  limit?: number;
  /** Globalping location filters; spread over continents by default. */
  locations?: ReadonlyArray<{ magic: string }>;
  schedule?: PollSchedule;
}

const DEFAULT_LOCATIONS = [{ magic: 'Europe' }, { magic: 'North America' }, { magic: 'Asia' }];

export function globalpingRequest(target: VantageTarget, options: GlobalpingOptions = {}): Record<string, unknown> {
  return {
    type: 'http',
    target: target.host,
    locations: options.locations ?? DEFAULT_LOCATIONS,
    limit: options.limit ?? 3,
    measurementOptions: {
      request: { method: 'HEAD', path: '/' },
      protocol: target.scheme === 'https' ? 'HTTPS' : 'HTTP',
      ...(target.port ? { port: target.port } : {}),
    },
  };
}

const parseCreated = (json: unknown): { id: string } | undefined => {
  if (!isRecord(json)) return undefined;
  const id = token(json.id, /^[A-Za-z0-9_-]{1,64}$/);
  return id ? { id } : undefined;
};

type ProbeResult = 'pending' | 'offline' | { state: NodeState; status?: number; ms?: number; location: string; country?: string };

function parseResult(item: unknown): ProbeResult | undefined {
  if (!isRecord(item) || !isRecord(item.result)) return undefined;
  const probe = isRecord(item.probe) ? item.probe : {};
  const result = item.result;
  const status = oneOf(result.status, ['in-progress', 'finished', 'failed', 'offline'] as const);
  if (!status) return undefined;
  if (status === 'in-progress') return 'pending';
  if (status === 'offline') return 'offline';
  const code = intIn(result.statusCode, 100, 599);
  const total = isRecord(result.timings) ? numberIn(result.timings.total, 0, 600_000) : undefined;
  const country = token(probe.country, /^[A-Z]{2}$/);
  const state: NodeState = code !== undefined ? (code >= 500 ? 'server-error' : 'up') : 'unreachable';
  return {
    state,
    ...(code !== undefined ? { status: code } : {}),
    ...(total !== undefined ? { ms: Math.round(total) } : {}),
    location: locationText(text(probe.city, 40), country),
    ...(country ? { country } : {}),
  };
}

/** A measurement answer: whether it finished, and each probe's result (unrecognisable ones dropped). */
export function parseGlobalpingMeasurement(json: unknown): { finished: boolean; results: ProbeResult[] } | undefined {
  if (!isRecord(json)) return undefined;
  const status = oneOf(json.status, ['in-progress', 'finished'] as const);
  const results = arrayOf(json.results ?? [], parseResult, MAX_RESULTS);
  if (!status || !results) return undefined;
  return { finished: status === 'finished', results };
}

export function globalpingSource(options: GlobalpingOptions = {}): VantageSource {
  const id = 'globalping';
  return {
    id,
    name: 'Globalping',
    async run(ctx, target, signal, stopAt): Promise<SourceResult> {
      const base = options.base ?? ctx.endpoints.globalping;
      if (!base) return { kind: 'none', reason: 'not-applicable' };
      const created = await fetchJson(ctx, `${base}/v1/measurements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(globalpingRequest(target, options)),
        okStatus: (s) => s === 202 || s === 200 || s === 201,
        maxBytes: 16 * 1024,
        timeoutMs: Math.min(timeLeft(ctx, START_TIMEOUT_MS), Math.max(0, stopAt - ctx.now())),
        signal,
        rateKey: id,
        parse: parseCreated,
      });
      if (!created.ok)
        return { kind: 'none', reason: created.reason, ...(created.retryAt !== undefined ? { retryAt: created.retryAt } : {}) };
      const measurement = encodeURIComponent(created.value.id);
      return pollUntilDone(ctx, options.schedule ?? GLOBALPING_SCHEDULE, stopAt, signal, async (timeoutMs) => {
        const poll = await fetchJson(ctx, `${base}/v1/measurements/${measurement}`, {
          headers: { accept: 'application/json' },
          maxBytes: MAX_BYTES,
          timeoutMs,
          signal,
          parse: parseGlobalpingMeasurement,
        });
        if (!poll.ok) return { kind: 'none', reason: poll.reason };
        const nodes: VantageNode[] = [];
        let pending = 0;
        for (const r of poll.value.results) {
          if (r === 'pending') pending += 1;
          else if (r !== 'offline') nodes.push({ source: id, ...r });
        }
        return { kind: 'step', done: poll.value.finished || (pending === 0 && poll.value.results.length > 0), nodes };
      });
    },
  };
}
