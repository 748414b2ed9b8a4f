/**
 * The only response headers Downcheck keeps: enough to tell which gateway answered and to quote
 * a support reference, nothing that identifies the visitor (no cookies, no auth).
 */
export const DIAGNOSTIC_HEADERS = [
  'server',
  'via',
  'date',
  'retry-after',
  'cf-ray',
  'cf-cache-status',
  'x-amz-cf-pop',
  'x-amz-cf-id',
  'x-cache',
  'x-served-by',
  'x-varnish',
  'x-vercel-id',
  'x-vercel-error',
  'x-azure-ref',
  'x-nf-request-id',
  'x-akamai-request-id',
] as const;

const ALLOWED: ReadonlySet<string> = new Set(DIAGNOSTIC_HEADERS);
/** Per value; real values of these headers are far shorter. */
export const MAX_HEADER_VALUE = 256;
/** Headers looked at in one response; a response with more is hostile or broken. */
const MAX_HEADERS_SCANNED = 500;

export type RawHeaders = ReadonlyArray<{ name?: unknown; value?: unknown }> | undefined | null;

/** Lower-cased allowlisted headers; duplicates joined with ", "; control characters removed; values capped. */
export function pickDiagnosticHeaders(raw: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(raw)) return out;
  for (const entry of raw.slice(0, MAX_HEADERS_SCANNED) as Array<{ name?: unknown; value?: unknown } | null>) {
    if (!entry || typeof entry.name !== 'string' || typeof entry.value !== 'string') continue;
    const name = entry.name.trim().toLowerCase();
    if (!ALLOWED.has(name)) continue;
    const value = entry.value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (!value) continue;
    const joined = out[name] ? `${out[name]}, ${value}` : value;
    // trimEnd: the cut may land after a space, and picking the result again must change nothing.
    out[name] = joined.length > MAX_HEADER_VALUE ? joined.slice(0, MAX_HEADER_VALUE).trimEnd() : joined;
  }
  return out;
}
