// The distributed engine: the same app in a Worker, its store in SQLite-backed Durable Objects.
// One object per 3-hex prefix (4,096 shards) holds that prefix's reports; one per platform holds the reports naming it.
import { DurableObject } from 'cloudflare:workers';
import type { Context } from 'hono';
import { createApp } from '../app.ts';
import { RateLimiter, REPORTS_PER_MINUTE } from '../limiter.ts';
import { clientOfAddress, DailyHasher, randomSecret, type Client } from '../network.ts';
import { SqlStore } from '../sql-store.ts';
import type { CrowdStore, StoredReport } from '../store.ts';
import { SERVICE_VERSION } from '../version.ts';
import { PLATFORMS } from '../../src/core/crowd/report.ts';
import {
  RAW_RETENTION_MS,
  type HostCounts,
  type HostHistory,
  type SignalRow,
  type ViaCounts,
  type ViaRow,
} from '../../src/core/crowd/signal.ts';

interface Env {
  SHARDS: DurableObjectNamespace<CrowdShard>;
  /** Key material for network hashes: set it with `wrangler secret put CROWD_SECRET`. */
  CROWD_SECRET?: string;
  CROWD_RATE_LIMIT?: string;
}

export class CrowdShard extends DurableObject<Env> {
  private readonly store: SqlStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.store = new SqlStore({
      all: <T>(query: string, ...params: (string | number | null)[]) => sql.exec(query, ...params).toArray() as T[],
      run: (query: string, ...params: (string | number | null)[]) => void sql.exec(query, ...params),
      transaction: <T>(fn: () => T): T => ctx.storage.transactionSync(fn),
    });
  }

  async add(report: StoredReport, withHistory: boolean): Promise<boolean> {
    const counted = this.store.add(report, withHistory);
    // Pruning runs from an alarm set for when the oldest report turns 24 h old, so an idle object forgets it on time.
    if (counted && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(report.at + RAW_RETENTION_MS + 1);
    return counted;
  }
  rows(prefix: string, since: number): SignalRow[] {
    return this.store.rows(prefix, since);
  }
  hostCounts(prefix: string, now: number): HostCounts[] {
    return this.store.hostCounts(prefix, now);
  }
  viaCounts(now: number): ViaCounts[] {
    return this.store.viaCounts(now);
  }
  histories(hostKeys: string[], hours: number[]): HostHistory[] {
    return this.store.histories(hostKeys, hours);
  }
  viaRows(since: number): ViaRow[] {
    return this.store.viaRows(since);
  }
  async alarm(): Promise<void> {
    this.store.prune(Date.now());
    const next = this.store.nextPruneAt();
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 1000));
  }
}

class ShardedStore implements CrowdStore {
  constructor(private readonly shards: DurableObjectNamespace<CrowdShard>) {}
  private shard(name: string): DurableObjectStub<CrowdShard> {
    return this.shards.get(this.shards.idFromName(name));
  }
  async add(report: StoredReport): Promise<boolean> {
    const counted = await this.shard(report.prefix).add(report, true);
    if (counted && report.via) await this.shard(`via:${report.via}`).add(report, false);
    return counted;
  }
  rows = async (prefix: string, since: number) => this.shard(prefix).rows(prefix, since);
  hostCounts = async (prefix: string, now: number) => this.shard(prefix).hostCounts(prefix, now);
  viaCounts = async (now: number) => (await Promise.all(PLATFORMS.map((via) => this.shard(`via:${via}`).viaCounts(now)))).flat();
  histories = async (hostKeys: string[], hours: number[]) => {
    const byPrefix = new Map<string, string[]>();
    for (const key of hostKeys) byPrefix.set(key.slice(0, 3), [...(byPrefix.get(key.slice(0, 3)) ?? []), key]);
    const parts = await Promise.all([...byPrefix].map(([prefix, keys]) => this.shard(prefix).histories(keys, hours)));
    return parts.flat();
  };
  viaRows = async (since: number) => (await Promise.all(PLATFORMS.map((via) => this.shard(`via:${via}`).viaRows(since)))).flat();
  // Each object prunes itself from its alarm.
  prune = async () => undefined;
}

/** On Workers the network is the client's autonomous system; the rate-limit block still comes from its address. */
function workerClient(c: Context): Client | null {
  const cf = (c.req.raw as Request & { cf?: { asn?: unknown } }).cf;
  const address = clientOfAddress(c.req.header('cf-connecting-ip'));
  const asn = typeof cf?.asn === 'number' && cf.asn > 0 ? `asn:${cf.asn}` : null;
  const network = asn ?? address?.network;
  return network ? { network, block: address?.block ?? network } : null;
}

let app: ReturnType<typeof createApp> | undefined;
const appFor = (env: Env) =>
  (app ??= createApp({
    store: new ShardedStore(env.SHARDS),
    clientOf: workerClient,
    // Without a configured secret each isolate keys its own hashes: counts split, nothing breaks.
    hasher: new DailyHasher(env.CROWD_SECRET || randomSecret()),
    limiter: new RateLimiter(env.CROWD_RATE_LIMIT === undefined ? REPORTS_PER_MINUTE : Number(env.CROWD_RATE_LIMIT)),
    version: SERVICE_VERSION,
  }));

/** Bucket and provider reads: their 15 s answers come from this location's cache, so readers of a big outage stay off the objects. */
const cacheable = (request: Request, url: URL): boolean =>
  request.method === 'GET' && (/^\/v1\/buckets\/[0-9a-f]{3}$/.test(url.pathname) || url.pathname === '/v1/providers');

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (!cacheable(request, url)) return appFor(env).fetch(request, env, ctx);
    const key = new Request(`${url.origin}${url.pathname}`, { method: 'GET' });
    const hit = await caches.default.match(key);
    if (hit) return hit;
    const response = await appFor(env).fetch(request, env, ctx);
    if (response.status === 200) ctx.waitUntil(caches.default.put(key, response.clone()));
    return response;
  },
};
