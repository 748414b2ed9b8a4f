// Store listing texts, generated from the extension's own locale files (public/_locales) so the
// listing says what the extension says, in every language it speaks:
//   store/<lang>/short-description.txt   the manifest description (at most 132 characters: the Web Store's limit)
//   store/<lang>/long-description.txt    the description, then what it does and what it asks, from the UI's own strings
//                                        and the listing's own (store/messages/<lang>.json, not shipped)
//   node scripts/store-listing.mjs          writes them
//   node scripts/store-listing.mjs --check  exits 1 when store/ differs from what the locale files give
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LANGUAGES = ['en', 'de', 'fr', 'es'];

/**
 * The long description's parts: message keys (a list is joined with " · "). The UI's own strings where they read well
 * on a store page; `store_listing_*` (store/messages/<lang>.json) where the UI's wording points at the page it is on
 * ("below", "here").
 */
export const LONG = [
  ['extDescription'],
  ['store_listing_retry'],
  ['retry_post_detail'],
  [
    'verdict_down_for_everyone',
    'verdict_partly_down',
    'verdict_just_you_connection',
    'verdict_just_you_dns',
    'verdict_blocked_for_you',
    'verdict_back_up',
  ],
  ['store_listing_outside'],
  ['consent_connectivity'],
  ['consent_dns'],
  ['consent_vantage'],
  ['consent_status_page'],
  ['consent_archive'],
  ['store_listing_crowd'],
  ['store_listing_privacy'],
];
const BULLETED = new Set(['consent_connectivity', 'consent_dns', 'consent_vantage', 'consent_status_page', 'consent_archive']);

/** Words that point at a place on the page they were written for: meaningless in a store listing. */
export const POINTING_WORDS = {
  en: /\b(below|above|here)\b/i,
  de: /\b(unten|oben|hier)\b/i,
  fr: /(ci-dessous|ci-dessus|\bici\b)/i,
  es: /\b(abajo|arriba|aquí)(?![\p{L}])/iu,
};

/** The clauses of a text: cut at sentence and clause ends, the " · " list marks, dashes and brackets. */
const clauses = (text) =>
  text
    .split(/[.!?:;()·—–\n]+|\s-\s/)
    .map((c) => c.trim())
    .filter(Boolean);
/** A clause's words of three letters or more, each cut to its first four letters (sent/sends, Formular/Formulare). */
const stems = (clause) => new Set((clause.toLowerCase().match(/\p{L}{3,}/gu) ?? []).map((w) => w.slice(0, 4)));

/**
 * Pairs of clauses that say the same thing twice. Words found in more than five clauses (the, site, Downcheck…) are
 * left out; two clauses with three or more of the rest each whose words overlap by 60 % or more (Dice: twice the
 * shared words over both counts) say one thing twice ("A form is never sent again by itself" / "Downcheck never
 * sends a form again by itself").
 */
export function repeatedClauses(text) {
  const all = clauses(text).map((c) => ({ c, w: stems(c) }));
  const seen = new Map();
  for (const { w } of all) for (const x of w) seen.set(x, (seen.get(x) ?? 0) + 1);
  const telling = all.map(({ c, w }) => ({ c, w: new Set([...w].filter((x) => seen.get(x) <= 5)) })).filter(({ w }) => w.size >= 3);
  const pairs = [];
  for (let i = 0; i < telling.length; i += 1) {
    for (let j = i + 1; j < telling.length; j += 1) {
      const [a, b] = [telling[i], telling[j]];
      const shared = [...a.w].filter((x) => b.w.has(x)).length;
      if ((2 * shared) / (a.w.size + b.w.size) >= 0.6) pairs.push([a.c, b.c]);
    }
  }
  return pairs;
}

/** What makes a long description unfit for a store page: words pointing at a page that is not there, a thing said twice. */
export function listingProblems(lang, long) {
  const problems = [];
  const pointing = POINTING_WORDS[lang]?.exec(long);
  if (pointing) problems.push(`${lang}: "${pointing[0]}" points at a page that is not the store's`);
  for (const [a, b] of repeatedClauses(long)) problems.push(`${lang}: said twice: "${a}" / "${b}"`);
  return problems;
}

/** A message with its placeholders for a specific site removed ("the site's name ($1)" → "the site's name"). */
const plain = (message) =>
  message
    .replace(/\s*\(\$\d\)/g, '')
    .replace(/\$\d/g, '')
    .replace(/\s+([:.,])/g, '$1')
    .trim();

export function listing(messages) {
  const get = (key) => {
    const m = messages[key]?.message;
    if (typeof m !== 'string') throw new Error(`locale has no "${key}"`);
    return plain(m);
  };
  const short = get('extDescription');
  const long = LONG.map((keys) =>
    keys.length > 1 ? keys.map(get).join(' · ') : `${BULLETED.has(keys[0]) ? '• ' : ''}${get(keys[0])}`,
  ).join('\n\n');
  return { short, long: `${long}\n` };
}

/**
 * The UI's messages (public/_locales/<lang>) and the listing's own (store/messages/<lang>.json: `store_listing_*`,
 * kept out of the extension, which never shows them).
 */
export function listingMessages(lang) {
  const read = (...path) => JSON.parse(readFileSync(join(ROOT, ...path), 'utf8'));
  return { ...read('public', '_locales', lang, 'messages.json'), ...read('store', 'messages', `${lang}.json`) };
}

export function generate() {
  const files = {};
  for (const lang of LANGUAGES) {
    const messages = listingMessages(lang);
    const { short, long } = listing(messages);
    if ([...short].length > 132) throw new Error(`${lang}: the short description has ${[...short].length} characters (at most 132)`);
    const problems = listingProblems(lang, long);
    if (problems.length) throw new Error(`the store listing:\n  ${problems.join('\n  ')}`);
    files[`store/${lang}/short-description.txt`] = `${short}\n`;
    files[`store/${lang}/long-description.txt`] = long;
  }
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = generate();
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(
      ([path, text]) => !existsSync(join(ROOT, path)) || readFileSync(join(ROOT, path), 'utf8') !== text,
    );
    for (const [path] of stale)
      console.error(`store listing: ${path} is not what the locale files give (run node scripts/store-listing.mjs)`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(ROOT, path, '..'), { recursive: true });
    writeFileSync(join(ROOT, path), text);
  }
  console.log(
    `store listing: ${Object.keys(files).length} files for ${LANGUAGES.join(', ')} in store/ (${readdirSync(join(ROOT, 'store')).length} entries)`,
  );
}
