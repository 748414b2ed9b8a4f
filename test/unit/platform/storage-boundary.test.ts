// Only the store (src/platform/store*.ts) touches browser storage, and only the items name stored keys: every
// other module reads and writes through the store with an item, so each record gets its key, validator and
// quota handling from its declaration (core/<domain>/stored.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_ITEMS } from '../../../src/core/items';

const SRC = join(__dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `browser.storage.session.get`, `chrome.storage.local`, `.storage.onChanged`, `storage['session']`… in code, not comments. */
const STORAGE_CALL = /\bstorage\s*(?:\.\s*(?:session|local|sync|managed|onChanged)\b|\[)/;
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
const OWNERS = /^platform\/store(-[a-z]+)?\.ts$/;

/** The keyed families (`watch:<origin>`, `diagnosis:<tab>`): a string that begins so is a hand-made key. */
const PREFIXES = [...new Set(ALL_ITEMS.filter((item) => 'keyOf' in item).map((item) => `${item.name}:`))];
const KEY_LITERAL = new RegExp(`['"\`](?:${PREFIXES.map((p) => p.replace(/[-]/g, '\\-')).join('|')})`);
/** Where a family name may begin a string: the items' own declarations. */
const DECLARES = /^core\/(schema\/.*|[a-z-]+\/stored)\.ts$/;
/** Not stored keys, though they share the prefixes: alarm names and the recovered notification's id (allowed by name). */
const NOT_KEYS = /\b(?:ALARM_PREFIX|WATCH_ALARM_PREFIX|RECOVERED_NOTIFICATION_PREFIX)\s*=\s*['"][a-z]+:['"]/g;
/** Files that still name keys by hand (none: add one only with a reason, and remove it once its keys are gone). */
const PENDING: string[] = [];

const files = (): string[] => sources(SRC).map((file) => relative(SRC, file));
const handMadeKeys = (file: string): boolean => KEY_LITERAL.test(code(readFileSync(join(SRC, file), 'utf8')).replace(NOT_KEYS, ''));

describe('browser storage is touched by the store only', () => {
  it('no module outside src/platform/store*.ts calls browser.storage', () => {
    const offenders = files()
      .filter((file) => !OWNERS.test(file))
      .filter((file) => STORAGE_CALL.test(code(readFileSync(join(SRC, file), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('no string outside the item declarations begins with an item name and `:` (keys come from the items)', () => {
    const offenders = files().filter((file) => !DECLARES.test(file) && !PENDING.includes(file) && handMadeKeys(file));
    expect(offenders).toEqual([]);
  });

  it('each pending file still needs its exception (remove it from PENDING once its keys are gone)', () => {
    expect(PENDING.filter((file) => !files().includes(file) || !handMadeKeys(file))).toEqual([]);
  });

  it('the patterns find a direct call and a hand-made key (the guards can fail)', () => {
    expect(STORAGE_CALL.test(code('const got = await browser.storage.session.get(KEY);'))).toBe(true);
    expect(STORAGE_CALL.test(code('await chrome.storage.local.set({ a: 1 });'))).toBe(true);
    expect(STORAGE_CALL.test(code('// kept in `storage.session`\n/** storage.local */ const a = 1;'))).toBe(false);
    expect(KEY_LITERAL.test(code("keys.some((k) => k.startsWith('watch:'))"))).toBe(true);
    expect(KEY_LITERAL.test(code('const key = `diagnosis:site`;'))).toBe(true);
    expect(KEY_LITERAL.test(code("const id = 'watching';\n// 'watch:' in a comment"))).toBe(false);
    expect("export const ALARM_PREFIX = 'retry:';".replace(NOT_KEYS, '')).not.toMatch(KEY_LITERAL);
  });
});

describe('the worker’s own records (workerOwned) are written by the worker alone', () => {
  // The worker reads them from memory once known (platform/store.ts storeOwnReads): a write from a page or the popup
  // would not reach that memory. Only the background entry calls storeOwnReads.
  const OWNED = ALL_ITEMS.filter((item) => item.workerOwned).map((item) => `${item.name}Item`);
  const WRITES = (name: string) => new RegExp(`\\b(?:write|update|remove|at)\\(\\s*${name}\\b`);

  it('names the items it guards, and the pattern finds a write', () => {
    expect(OWNED).toContain('incidentItem');
    expect(WRITES('incidentItem').test('await store.write(incidentItem, x, tabId)')).toBe(true);
    expect(WRITES('incidentItem').test('await store.read(incidentItem, tabId)')).toBe(false);
  });

  it('no module outside src/background writes them, and only the background entry turns the memory on', () => {
    const writers = files().filter(
      (file) => !file.startsWith('background/') && OWNED.some((name) => WRITES(name).test(code(readFileSync(join(SRC, file), 'utf8')))),
    );
    expect(writers).toEqual([]);
    const callers = files().filter((file) => /\bstoreOwnReads\(/.test(code(readFileSync(join(SRC, file), 'utf8'))));
    expect(callers.sort()).toEqual(['background/index.ts', 'platform/store.ts']);
  });
});
