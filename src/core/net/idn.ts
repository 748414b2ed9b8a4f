/**
 * Host names as people read them. The URL parser gives an internationalised name in punycode
 * (`xn--bcher-kva.example`); a visitor typed, and the address bar shows, `bücher.example`. Every
 * stored host, key and comparison keeps the punycode form; only text shown to the visitor goes
 * through {@link displayHost}.
 *
 * Like the browsers, a label is only shown decoded when that cannot pass one site off as another:
 * a label that mixes scripts (Latin with Cyrillic or Greek letters, the classic `аpple` spoof) or
 * that does not decode cleanly stays in punycode. Pure; never throws.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_CODE_POINT = 0x10ffff;
/** DNS labels are at most 63 octets; anything longer is not a name a browser resolved. */
const MAX_LABEL = 63;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digitOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 22; // 0–9 → 26–35
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A–Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a–z
  return BASE;
}

/** RFC 3492 decoding of the part after `xn--`; `undefined` for anything malformed. */
export function decodePunycode(input: string): string | undefined {
  if (input.length === 0 || input.length > MAX_LABEL) return undefined;
  const output: number[] = [];
  const basic = Math.max(0, input.lastIndexOf('-'));
  for (let j = 0; j < basic; j += 1) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return undefined;
    output.push(code);
  }
  let i = 0;
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length;) {
    const oldI = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) return undefined;
      const digit = digitOf(input.charCodeAt(index));
      index += 1;
      if (digit >= BASE) return undefined;
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) return undefined;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

const SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['armenian', /\p{Script=Armenian}/u],
  ['cherokee', /\p{Script=Cherokee}/u],
];

/** A decoded label a visitor can read safely: no confusable scripts side by side, nothing invisible. */
function safeToShow(label: string): boolean {
  if (/[\p{Cc}\p{Cf}\p{Zs}\p{M}]/u.test(label.charAt(0))) return false; // starts with a mark or a format character
  if (/[\p{Cc}\p{Cf}\p{Z}/?#@:\\]/u.test(label)) return false; // invisible, spacing or URL-significant characters
  const scripts = new Set<string>();
  for (const char of label) for (const [name, pattern] of SCRIPTS) if (pattern.test(char)) scripts.add(name);
  if (scripts.size > 1) return false;
  // A whole-script lookalike: Cyrillic or Greek letters that all read as Latin ones (`аррӏе`).
  return ![...label].every((char) => LATIN_LOOKALIKES.has(char) || /[\d-]/.test(char));
}

const LATIN_LOOKALIKES = new Set([...'аввгдеѐёһіїјӏкмнорԛсѕтуўхъьԁԝүαβεικνορτυχ']);

/** `bücher.example` for `xn--bcher-kva.example`; any other host (IPv6 in brackets, an IP, ASCII) as it is. */
export function displayHost(host: string): string {
  if (typeof host !== 'string' || !/(^|\.)xn--/i.test(host) || host.startsWith('[')) return host;
  return host
    .split('.')
    .map((label) => {
      if (!/^xn--/i.test(label)) return label;
      const decoded = decodePunycode(label.slice(4).toLowerCase());
      // A label of ASCII only was never a valid `xn--` name: keep what the browser gave.
      return decoded !== undefined && /[^\x00-\x7f]/.test(decoded) && safeToShow(decoded) ? decoded : label;
    })
    .join('.');
}
