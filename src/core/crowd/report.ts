// The crowd contract (v1), written once: the service validates with it and the extension builds reports with it.
// Pure: no browser API, no Node API; WebCrypto only (it exists in browsers, Workers and Node 20).

export const CONTRACT_VERSION = 1;
/** Largest accepted request body, in bytes. */
export const MAX_REPORT_BYTES = 1024;

export const REPORT_KINDS = ['http5xx', 'timeout', 'dns', 'refused', 'tls', 'reset'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The platforms a report may name as the one that answered. */
export const PLATFORMS = [
  'cloudflare',
  'cloudfront',
  'aws-alb',
  'fastly',
  'akamai',
  'google',
  'azure-front-door',
  'vercel',
  'netlify',
  'heroku',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface CrowdReport {
  v: 1;
  hostKey: string;
  reporter: string;
  kind: ReportKind;
  status?: number;
  via?: Platform;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const HOST_KEY = /^[0-9a-f]{64}$/;
const REPORTER = /^[0-9a-f]{32}$/;
const PREFIX = /^[0-9a-f]{3}$/;

export const isHostKey = (value: unknown): value is string => typeof value === 'string' && HOST_KEY.test(value);
export const isReporter = (value: unknown): value is string => typeof value === 'string' && REPORTER.test(value);
/** A bucket prefix: exactly 3 lowercase hex digits. */
export const isPrefix = (value: unknown): value is string => typeof value === 'string' && PREFIX.test(value);
export const prefixOf = (hostKey: string): string => hostKey.slice(0, 3);

const own = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** Checks a parsed JSON body against the contract; unknown fields are ignored and not kept. */
export function parseReport(body: unknown): Parsed<CrowdReport> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.v !== CONTRACT_VERSION) return fail('v must be 1');
  if (!isHostKey(b.hostKey)) return fail('hostKey must be 64 lowercase hex digits');
  if (!isReporter(b.reporter)) return fail('reporter must be 32 lowercase hex digits');
  const kind = b.kind;
  if (typeof kind !== 'string' || !(REPORT_KINDS as readonly string[]).includes(kind))
    return fail(`kind must be one of ${REPORT_KINDS.join(', ')}`);
  const report: CrowdReport = { v: 1, hostKey: b.hostKey, reporter: b.reporter, kind: kind as ReportKind };
  if (own(b, 'status')) {
    if (kind !== 'http5xx') return fail('status is only allowed with kind http5xx');
    const status = b.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599)
      return fail('status must be an integer from 500 to 599');
    report.status = status;
  }
  if (own(b, 'via')) {
    const via = b.via;
    if (typeof via !== 'string' || !(PLATFORMS as readonly string[]).includes(via))
      return fail(`via must be one of ${PLATFORMS.join(', ')}`);
    report.via = via as Platform;
  }
  return { ok: true, value: report };
}

/** Whether a Content-Type header names JSON (`application/json`, parameters such as charset allowed). */
export function isJsonContentType(header: string | null | undefined): boolean {
  if (!header) return false;
  return header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * The host as the contract hashes it: ASCII-lowercased, without port or trailing dot. IDN hosts must already be
 * in punycode, as URL.hostname gives them.
 */
export function canonicalHost(host: string): string {
  let h = host.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end > 0) h = h.slice(0, end + 1);
  } else if (/^[^:]*:\d*$/.test(h)) h = h.slice(0, h.indexOf(':'));
  return h.replace(/\.+$/, '');
}

export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** The host key: lowercase hex SHA-256 of the canonical host. */
export async function hostKeyOf(host: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalHost(host))));
}
