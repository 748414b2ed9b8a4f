// The embedded engine: the app under @hono/node-server with the SQLite store. startCrowd() serves tests,
// `npm start` and main.ts alike.
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../app.ts';
import { RateLimiter, REPORTS_PER_MINUTE } from '../limiter.ts';
import { clientOfAddress, DailyHasher, forwardedAddress, randomSecret } from '../network.ts';
import { MINUTE_MS } from '../../src/core/crowd/signal.ts';
import { SqliteStore } from './sqlite-store.ts';
import { SERVICE_VERSION } from '../version.ts';

const hmacSha256 = (key: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', key).update(data).digest());

export interface CrowdOptions {
  host?: string;
  port?: number;
  db: string;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies?: string[];
  /** Key material for network hashes; random per process when absent. */
  secret?: string;
  /** Reports per minute and address block; 0 turns the limit off (benchmarks only). */
  rateLimit?: number;
  synchronous?: 'NORMAL' | 'FULL';
  now?: () => number;
}

export interface RunningCrowd {
  url: string;
  store: SqliteStore;
  stop(): Promise<void>;
}

export async function startCrowd(options: CrowdOptions): Promise<RunningCrowd> {
  mkdirSync(dirname(options.db), { recursive: true });
  const store = new SqliteStore(options.db, { synchronous: options.synchronous ?? 'NORMAL', checkpointThread: true });
  const trusted = options.trustedProxies ?? [];
  const now = options.now ?? Date.now;
  const app = createApp({
    store,
    hasher: new DailyHasher(options.secret || randomSecret(), hmacSha256),
    limiter: new RateLimiter(options.rateLimit ?? REPORTS_PER_MINUTE),
    version: SERVICE_VERSION,
    now,
    clientOf: (c) => {
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const peer = incoming?.socket.remoteAddress;
      return clientOfAddress(forwardedAddress(peer, c.req.header('x-forwarded-for'), trusted));
    },
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host ?? '127.0.0.1', port: options.port ?? 8787 }, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) => {
      void store.stopCheckpoints();
      store.close();
      reject(new Error(`cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 8787} (${error.code ?? error.message})`));
    });
  });
  // A public endpoint: slow or stalled clients are cut off instead of holding sockets.
  Object.assign(server, { requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 });
  const prune = () => void store.prune(now()).catch(() => console.error('crowd: pruning failed'));
  prune();
  // Every minute, so no raw report outlives its 24 h by more than that.
  const pruning = setInterval(prune, MINUTE_MS);
  pruning.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    store,
    stop: async () => {
      clearInterval(pruning);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await store.stopCheckpoints();
      store.close();
    },
  };
}
