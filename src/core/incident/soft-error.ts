/**
 * Reads a gateway error out of a page title, for sites that answer HTTP 200 with an error page
 * ("soft" errors). Only titles that ARE an error page match — "Top 502 recipes" does not.
 */
const PHRASES: ReadonlyArray<[RegExp, number]> = [
  [/^internal server error$/, 500],
  [/^bad gateway$/, 502],
  [/^proxy error$/, 502],
  [/^service (?:temporarily )?unavailable$/, 503],
  [/^gateway time-?out$/, 504],
  [/^origin is unreachable$/, 523],
  [/^web server is down$/, 521],
  [/^connection timed out$/, 522],
  [/^a timeout occurred$/, 524],
];

const PHRASE_SOURCE = PHRASES.map(([re]) => re.source.slice(1, -1)).join('|');
/** `502 Bad Gateway`, `Error 502`, `HTTP Error 503`, `502 - Proxy Error`, `504: Gateway Time-out`, `502`. */
const CODE_FIRST = new RegExp(`^(?:http\\s+)?(?:error\\s*)?(5\\d\\d)(?:\\s*[-:–—|]?\\s*(?:${PHRASE_SOURCE}|error))?$`);
/** Cloudflare: `example.com | 522: Connection timed out`. */
const CLOUDFLARE = new RegExp(`^[^|]{1,253}\\|\\s*(5\\d\\d):\\s*(?:${PHRASE_SOURCE})$`);
/** `Bad Gateway (502)`, `Service Unavailable - 503`. */
const CODE_LAST = new RegExp(`^(?:${PHRASE_SOURCE})\\s*[-:–—|(]?\\s*(5\\d\\d)\\)?$`);

const MAX_TITLE = 200;

export function softErrorStatus(title: unknown): number | undefined {
  if (typeof title !== 'string' || title.length > MAX_TITLE) return undefined;
  const normal = title.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!normal) return undefined;
  const coded = CODE_FIRST.exec(normal) ?? CLOUDFLARE.exec(normal) ?? CODE_LAST.exec(normal);
  if (coded?.[1]) return Number(coded[1]);
  for (const [re, status] of PHRASES) if (re.test(normal)) return status;
  return undefined;
}
