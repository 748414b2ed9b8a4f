// The service's answers as the extension reads them: every field checked, bad rows dropped, nothing thrown.
// The caller limits the body's size; an answer that fails here counts as no answer, never as "nobody sees a failure".
import { isHostKey, isPrefix, PLATFORMS, prefixOf, type Platform } from './report';

export type CrowdLevel = 'possible' | 'widespread';

export interface BucketHost {
  hostKey: string;
  reporters: number;
  networks: number;
  level: CrowdLevel;
  ratio: number | null;
  /** Start of the host's current run of reports (ms). */
  since: number;
}
export interface BucketRead {
  prefix: string;
  windowMin: number;
  /** When the service computed the answer (ms, the service's clock). */
  asOf: number;
  hosts: BucketHost[];
}
export interface ProviderRow {
  via: Platform;
  hosts: number;
  reporters: number;
  networks: number;
  level: CrowdLevel;
}
export interface ProvidersRead {
  windowMin: number;
  asOf: number;
  providers: ProviderRow[];
}

/** Rows beyond these are not read: a bucket is 1/4096 of all hosts, the platforms are ten. */
export const MAX_BUCKET_HOSTS = 500;
export const MAX_PROVIDERS = PLATFORMS.length;
/** Largest count believed: far above any real outage, low enough to stay an exact integer in every sum. */
const MAX_COUNT = 1e9;
/** Largest ratio over the usual count believed. */
const MAX_RATIO = 1e6;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** Milliseconds of a UTC ISO time as the service writes it (`toISOString`); undefined for anything else, e.g. 30 February. */
export function parseIsoTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const d = new Date(time);
  const exact = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour;
  return exact && minute < 60 && second < 60 ? time : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_COUNT;
/** Counts the service rounds down to multiples of 5. */
const isRounded = (value: unknown, min: number): value is number => isCount(value, min) && value % 5 === 0;
const isLevel = (value: unknown): value is CrowdLevel => value === 'possible' || value === 'widespread';
const isWindow = (value: unknown): value is number => isCount(value, 1) && value <= 24 * 60;

function bucketHost(row: unknown, prefix: string, asOf: number): BucketHost | undefined {
  if (!isObject(row)) return undefined;
  const { hostKey, reporters, networks, level, ratio } = row;
  const since = parseIsoTime(row.since);
  if (!isHostKey(hostKey) || prefixOf(hostKey) !== prefix) return undefined;
  // The listing rule: at least 5 reporters on at least 3 networks.
  if (!isRounded(reporters, 5) || !isCount(networks, 3) || !isLevel(level)) return undefined;
  // Widespread needs 20 reporters on 5 networks: a row claiming it with fewer contradicts itself.
  if (level === 'widespread' && (reporters < 20 || networks < 5)) return undefined;
  const ratioOk = ratio === null || (typeof ratio === 'number' && Number.isFinite(ratio) && ratio >= 0 && ratio <= MAX_RATIO);
  if (!ratioOk || since === undefined || since > asOf) return undefined;
  return { hostKey, reporters, networks, level, ratio, since };
}

/** A `GET /v1/buckets/{prefix}` body, checked against the prefix asked for; undefined when the answer as a whole is unusable. */
export function parseBucket(body: unknown, askedPrefix: string): BucketRead | undefined {
  try {
    if (!isPrefix(askedPrefix) || !isObject(body) || body.v !== 1 || body.prefix !== askedPrefix) return undefined;
    const asOf = parseIsoTime(body.asOf);
    if (!isWindow(body.windowMin) || asOf === undefined || !Array.isArray(body.hosts)) return undefined;
    const seen = new Set<string>();
    const hosts: BucketHost[] = [];
    for (const row of body.hosts.slice(0, MAX_BUCKET_HOSTS)) {
      const host = bucketHost(row, askedPrefix, asOf);
      if (!host || seen.has(host.hostKey)) continue;
      seen.add(host.hostKey);
      hosts.push(host);
    }
    return { prefix: askedPrefix, windowMin: body.windowMin, asOf, hosts };
  } catch {
    return undefined; // a getter or proxy in a hand-made object: still no throw
  }
}

function providerRow(row: unknown): ProviderRow | undefined {
  if (!isObject(row)) return undefined;
  const { via, hosts, reporters, networks, level } = row;
  if (typeof via !== 'string' || !(PLATFORMS as readonly string[]).includes(via)) return undefined;
  // The listing rule: 10 hosts from 20 reporters on 5 networks.
  if (!isRounded(hosts, 10) || !isRounded(reporters, 20) || !isCount(networks, 5) || !isLevel(level)) return undefined;
  if (level === 'widespread' && hosts < 100) return undefined;
  return { via: via as Platform, hosts, reporters, networks, level };
}

/** A `GET /v1/providers` body; undefined when the answer as a whole is unusable. */
export function parseProviders(body: unknown): ProvidersRead | undefined {
  try {
    if (!isObject(body) || body.v !== 1) return undefined;
    const asOf = parseIsoTime(body.asOf);
    if (!isWindow(body.windowMin) || asOf === undefined || !Array.isArray(body.providers)) return undefined;
    const providers: ProviderRow[] = [];
    for (const row of body.providers.slice(0, 4 * MAX_PROVIDERS)) {
      const provider = providerRow(row);
      if (provider && !providers.some((p) => p.via === provider.via)) providers.push(provider);
    }
    return { windowMin: body.windowMin, asOf, providers };
  } catch {
    return undefined;
  }
}

/** The longest an answer is kept, whatever the service says (seconds). */
export const MAX_CACHE_SECONDS = 300;

/**
 * How long an answer may be reused, from its `Cache-Control` header (seconds, 0–300): `max-age`, unless
 * `no-store` or `no-cache` says not to; no header or a malformed one means not at all.
 */
export function cacheSeconds(header: string | null | undefined): number {
  if (typeof header !== 'string' || header.length > 1024) return 0;
  let seconds: number | undefined;
  for (const part of header.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName!.trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name !== 'max-age' || seconds !== undefined) continue;
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!/^\d{1,10}$/.test(value)) return 0;
    seconds = Number(value);
  }
  return Math.min(seconds ?? 0, MAX_CACHE_SECONDS);
}

/** Until when (ms) an answer received at `receivedAt` may be reused instead of asking again. */
export const freshUntil = (receivedAt: number, cacheControl: string | null | undefined): number =>
  receivedAt + cacheSeconds(cacheControl) * 1000;

/** The service path of the bucket that holds a host key: the service learns only the 3-digit prefix. */
export const bucketPath = (hostKey: string): string => `/v1/buckets/${prefixOf(hostKey)}`;
export const PROVIDERS_PATH = '/v1/providers';

/** What a bucket read says of our host: listed (and how), not listed (too few reports to tell), or no usable answer. */
export type HostLookup = { kind: 'listed'; host: BucketHost; asOf: number } | { kind: 'unlisted'; asOf: number } | { kind: 'error' };

/** Our host in a bucket read; a missing read, or one of another prefix, is no answer rather than "not listed". */
export function lookupHost(bucket: BucketRead | undefined, hostKey: string): HostLookup {
  if (!bucket || !isHostKey(hostKey) || prefixOf(hostKey) !== bucket.prefix) return { kind: 'error' };
  const host = bucket.hosts.find((h) => h.hostKey === hostKey);
  return host ? { kind: 'listed', host, asOf: bucket.asOf } : { kind: 'unlisted', asOf: bucket.asOf };
}

/** The platform's row in a providers read, if the service lists it. */
export const lookupProvider = (read: ProvidersRead, via: Platform): ProviderRow | undefined => read.providers.find((p) => p.via === via);
