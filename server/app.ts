// The crowd service's HTTP contract (v1), once for both engines: Hono over a CrowdStore.
// The engine supplies the store and who the client is; nothing here knows SQLite from a Durable Object.
import { Hono, type Context } from 'hono';
import { isJsonContentType, isPrefix, MAX_REPORT_BYTES, parseReport, prefixOf } from '../src/core/crowd/report.ts';
import { bucketFromCounts, historyHours, providersFromCounts, WINDOW_MS, windowOf } from '../src/core/crowd/signal.ts';
import { RateLimiter } from './limiter.ts';
import type { Client, DailyHasher } from './network.ts';
import type { CrowdStore } from './store.ts';

export interface AppOptions {
  store: CrowdStore;
  /** Who sent the request, in clear for this request only; null when unknown. */
  clientOf: (c: Context) => Client | null;
  hasher: DailyHasher;
  version: string;
  limiter?: RateLimiter;
  now?: () => number;
}

const PUBLIC_CACHE = 'public, max-age=15';

type Body = { ok: true; text: string } | { ok: false; status: 400 | 413 };

/** Reads at most MAX_REPORT_BYTES + 1 bytes: a bigger body is refused without being held in memory. */
async function readBody(request: Request): Promise<Body> {
  const declared = request.headers.get('content-length');
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > MAX_REPORT_BYTES))
    return { ok: false, status: /^\d+$/.test(declared) ? 413 : 400 };
  // A declared small length is read in one go, before touching `body`: on node-server that getter builds a whole
  // WHATWG Request, while arrayBuffer() reads the socket directly. Only a stream without a length is read by chunks.
  if (declared !== null) return decode(new Uint8Array(await request.arrayBuffer()));
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPORT_BYTES) {
      void reader.cancel().catch(() => undefined);
      return { ok: false, status: 413 };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decode(bytes);
}

function decode(bytes: Uint8Array): Body {
  // A body longer than it declared (possible on some runtimes) is refused like any other big one.
  if (bytes.byteLength > MAX_REPORT_BYTES) return { ok: false, status: 413 };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, status: 400 };
  }
}

export function createApp(options: AppOptions): Hono {
  const { store, clientOf, hasher, version } = options;
  const limiter = options.limiter ?? new RateLimiter();
  const now = options.now ?? Date.now;
  const app = new Hono();

  const error = (c: Context, status: 400 | 404 | 405 | 413 | 415 | 429 | 500 | 503, message: string) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ error: message }, status);
  };

  app.post('/v1/reports', async (c) => {
    if (!isJsonContentType(c.req.header('content-type'))) return error(c, 415, 'Content-Type must be application/json');
    const body = await readBody(c.req.raw);
    if (!body.ok) return error(c, body.status, body.status === 413 ? `the body must be at most ${MAX_REPORT_BYTES} bytes` : 'bad body');
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return error(c, 400, 'the body is not JSON');
    }
    const parsed = parseReport(json);
    if (!parsed.ok) return error(c, 400, parsed.error);
    const client = clientOf(c);
    if (!client) return error(c, 400, 'unknown client address');
    const at = now();
    const wait = limiter.take(await hasher.hash(`block:${client.block}`, at), at);
    if (wait !== null) {
      c.header('Retry-After', String(wait));
      return error(c, 429, 'too many reports from this network');
    }
    const report = parsed.value;
    const counted = await store.add({
      hostKey: report.hostKey,
      prefix: prefixOf(report.hostKey),
      reporter: report.reporter,
      window: windowOf(at),
      network: await hasher.hash(`network:${client.network}`, at),
      kind: report.kind,
      status: report.status ?? null,
      via: report.via ?? null,
      at,
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ counted }, 202);
  });

  app.get('/v1/buckets/:prefix', async (c) => {
    const prefix = c.req.param('prefix');
    if (!isPrefix(prefix)) return error(c, 400, 'the prefix must be exactly 3 lowercase hex digits');
    const at = now();
    const counts = await store.hostCounts(prefix, at);
    const histories =
      counts.length > 0
        ? await store.histories(
            counts.map((h) => h.hostKey),
            historyHours(at),
          )
        : [];
    c.header('Cache-Control', PUBLIC_CACHE);
    return c.json({
      v: 1,
      prefix,
      windowMin: WINDOW_MS / 60_000,
      asOf: new Date(at).toISOString(),
      hosts: bucketFromCounts(counts, histories, at),
    });
  });
  // Anything else under /v1/buckets/ (empty, 4 digits, upper case, deeper paths) is a malformed prefix.
  app.get('/v1/buckets/*', (c) => error(c, 400, 'the prefix must be exactly 3 lowercase hex digits'));
  app.get('/v1/buckets', (c) => error(c, 400, 'the prefix must be exactly 3 lowercase hex digits'));

  app.get('/v1/providers', async (c) => {
    const at = now();
    const counts = await store.viaCounts(at);
    c.header('Cache-Control', PUBLIC_CACHE);
    return c.json({ v: 1, windowMin: WINDOW_MS / 60_000, asOf: new Date(at).toISOString(), providers: providersFromCounts(counts) });
  });

  app.get('/v1/health', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ ok: true, version });
  });

  for (const [path, allow] of [
    ['/v1/reports', 'POST'],
    ['/v1/buckets/*', 'GET'],
    ['/v1/providers', 'GET'],
    ['/v1/health', 'GET'],
  ] as const) {
    app.all(path, (c) => {
      c.header('Allow', allow);
      return error(c, 405, `use ${allow}`);
    });
  }
  app.notFound((c) => error(c, 404, 'not found'));
  // No stack trace or message of an internal error reaches the client, and none names a client.
  app.onError((err, c) => {
    console.error(`crowd: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${err instanceof Error ? err.name : 'error'}`);
    return error(c, 500, 'internal error');
  });
  return app;
}
