import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../public/_locales/', import.meta.url);
const locales = readdirSync(dir);
const load = (lang: string): Record<string, { message: string }> => JSON.parse(readFileSync(new URL(`${lang}/messages.json`, dir), 'utf8'));
const en = load('en');
const placeholders = (s: string): string[] => [...s.matchAll(/\$\d/g)].map((m) => m[0]).sort();

describe('_locales', () => {
  it('has English and German at least', () => {
    expect(locales).toEqual(expect.arrayContaining(['en', 'de']));
  });

  it.each(locales)('%s has exactly the English keys, each non-empty, with the same $n substitutions', (lang) => {
    const messages = load(lang);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, { message }] of Object.entries(messages)) {
      expect(message.trim(), `${lang}.${key}`).not.toBe('');
      expect(placeholders(message), `${lang}.${key}`).toEqual(placeholders(en[key]!.message));
    }
  });

  it('every key used in source exists', () => {
    const used = new Set<string>();
    const walk = (path: URL): void => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const child = new URL(entry.name + (entry.isDirectory() ? '/' : ''), path);
        if (entry.isDirectory()) walk(child);
        else if (/\.(ts|html)$/.test(entry.name)) {
          const text = readFileSync(child, 'utf8');
          for (const m of text.matchAll(/\bt\(\s*'([a-z][a-zA-Z0-9_]+)'/g)) used.add(m[1]!);
          for (const m of text.matchAll(/data-i18n(?:-[a-z]+)?="([a-zA-Z0-9_]+)"/g)) used.add(m[1]!);
          for (const m of text.matchAll(/\['(popup_[a-z_]+)'/g)) used.add(m[1]!);
        }
      }
    };
    walk(new URL('../../src/', import.meta.url));
    const manifest = readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8');
    for (const m of manifest.matchAll(/__MSG_(\w+)__/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(en[key], key).toBeDefined();
  });
});

describe('diagnosis messages', async () => {
  const { CHECK_LOCALE_KEYS } = await import('../../src/checks/kit/locale-keys');
  it.each(Object.entries(CHECK_LOCALE_KEYS))('%s exists with %i substitutions', (key, count) => {
    expect(en[key], key).toBeDefined();
    expect(placeholders(en[key]!.message)).toHaveLength(count);
  });
});
