// Store listing texts, generated from the extension's own locale files (public/_locales) so the
// listing says what the extension says, in every language it speaks:
//   store/<lang>/short-description.txt   the manifest description (at most 132 characters: the Web Store's limit)
//   store/<lang>/long-description.txt    the description, then what it does and what it asks, from the UI's own strings
//   node scripts/store-listing.mjs          writes them
//   node scripts/store-listing.mjs --check  exits 1 when store/ differs from what the locale files give
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LANGUAGES = ['en', 'de', 'fr', 'es'];

/** The long description's parts: message keys (a list is joined with " · "). */
const LONG = [
  ['extDescription'],
  ['options_auto_retry_hint'],
  ['retry_post_detail'],
  [
    'verdict_down_for_everyone',
    'verdict_partly_down',
    'verdict_just_you_connection',
    'verdict_just_you_dns',
    'verdict_blocked_for_you',
    'verdict_back_up',
  ],
  ['consent_intro'],
  ['consent_dns'],
  ['consent_vantage'],
  ['consent_status_page'],
  ['consent_archive'],
  ['options_privacy_intro'],
];
const BULLETED = new Set(['consent_dns', 'consent_vantage', 'consent_status_page', 'consent_archive']);

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

export function generate() {
  const files = {};
  for (const lang of LANGUAGES) {
    const messages = JSON.parse(readFileSync(join(ROOT, 'public', '_locales', lang, 'messages.json'), 'utf8'));
    const { short, long } = listing(messages);
    if ([...short].length > 132) throw new Error(`${lang}: the short description has ${[...short].length} characters (at most 132)`);
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
