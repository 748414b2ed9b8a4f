/**
 * Chrome builds detect without webRequest (holding it slows every request of every page, see
 * issue 2): a finished page is only looked at more closely — its status read from the Performance
 * API — when it LOOKS like it may have failed. These are the cheap, pure tests deciding that.
 * A false alarm costs one status read after the page has loaded; a miss loses a badge, so the
 * net is cast wide: anything with a 5xx number, an error word, or no title of its own.
 */
import { softErrorStatus } from './soft-error';

const MAX_TITLE = 300;

/** Words error pages use for a title, in the languages the extension speaks and a few more. */
const ERROR_WORDS = new RegExp(
  [
    'error',
    'unavailable',
    'bad gateway',
    'gateway',
    'time-?d? ?out',
    'timeout',
    'maintenance',
    'went wrong',
    'something wrong',
    'problem',
    'not available',
    'overloaded',
    'try again',
    'be right back',
    "we'?re sorry",
    'oops',
    'could not be satisfied',
    'unreachable',
    'is down',
    'server down',
    'fehler',
    'nicht verfügbar',
    'wartung',
    'überlastet',
    'erreur',
    'indisponible',
    'maintenance',
    'no disponible',
    'mantenimiento',
    'errore',
    'non disponibile',
  ].join('|'),
  'i',
);
/** A standalone 5xx number: `502`, `Error 503`, `(500)`, but not `15023`, `v5.0.2` or `1,502`. */
const STATUS_NUMBER = /(?:^|[^\d.,])5\d\d(?:$|[^\d.,])/;

/**
 * Whether a finished top-level page may be an error page, judged from its title alone.
 * `title` is what the browser shows (its own stand-in when the page has none: the URL without
 * the scheme, or the host), `url` the page's address.
 */
export function looksFailed(title: unknown, url: unknown): boolean {
  if (typeof title !== 'string') return true;
  const text = title.trim();
  if (text === '' || text.length > MAX_TITLE) return text === '';
  if (isStandInTitle(text, url)) return true;
  if (softErrorStatus(text) !== undefined) return true;
  return STATUS_NUMBER.test(text) || ERROR_WORDS.test(text);
}

/** The browser's own title for a page without `<title>`: its URL without scheme, host, or file name. */
function isStandInTitle(title: string, url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const withoutScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('#', 1)[0]!;
  const file = decodeSafely(parsed.pathname.split('/').pop() ?? '');
  const candidates = [withoutScheme, withoutScheme.replace(/\/$/, ''), parsed.host, parsed.hostname, url, file].filter((c) => c !== '');
  return candidates.some((c) => c.toLowerCase() === title.toLowerCase());
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The request method of a committed top-level navigation, from Chrome's transition type. A form
 * may have been sent with POST or GET and Chrome does not say which: every form submission is
 * taken as a possible POST, so it is never sent again without the visitor's say-so.
 */
export function methodOfTransition(transitionType: unknown): 'GET' | 'POST' {
  return transitionType === 'form_submit' ? 'POST' : 'GET';
}
