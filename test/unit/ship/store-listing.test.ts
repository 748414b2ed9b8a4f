import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generate, LANGUAGES, listing, listingMessages, listingProblems, LONG, repeatedClauses } from '../../../scripts/store-listing.mjs';
import { pngSize } from '../../../scripts/chrome-store-check.mjs';

describe('store listing', () => {
  it('store/ holds exactly what the locale files give (regenerate with node scripts/store-listing.mjs)', () => {
    for (const [path, text] of Object.entries(generate()))
      expect(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'), path).toBe(text);
  });

  it('has short and long descriptions in en, de, fr, es; short ones within 132 characters', () => {
    expect(LANGUAGES).toEqual(['en', 'de', 'fr', 'es']);
    const files = generate();
    for (const lang of LANGUAGES) {
      const short = files[`store/${lang}/short-description.txt`]!.trim();
      expect([...short].length).toBeLessThanOrEqual(132);
      expect(files[`store/${lang}/long-description.txt`]!.startsWith(short)).toBe(true);
    }
  });

  it('drops placeholders meant for a specific site', () => {
    const messages = Object.fromEntries(
      LONG.flat().map((k) => [k, { message: k === 'store_listing_outside' ? 'Each learns only the name ($1) — never more.' : k }]),
    );
    expect(listing(messages).long).toContain('Each learns only the name — never more.');
    expect(() => listing({})).toThrow(/no "extDescription"/);
  });

  const messagesOf = (lang: string): Record<string, { message: string }> => listingMessages(lang);

  it("the listing's own messages: the same keys in every language, none in the extension's locale files", () => {
    const own = (lang: string): Record<string, { message: string }> =>
      JSON.parse(readFileSync(new URL(`../../../store/messages/${lang}.json`, import.meta.url), 'utf8'));
    const keys = Object.keys(own('en')).sort();
    expect(keys).toEqual(['store_listing_crowd', 'store_listing_outside', 'store_listing_privacy', 'store_listing_retry']);
    for (const lang of LANGUAGES) {
      expect(Object.keys(own(lang)).sort(), lang).toEqual(keys);
      for (const key of keys) expect(own(lang)[key]!.message, `${lang} ${key}`).not.toBe(lang === 'en' ? '' : own('en')[key]!.message);
      const shipped = JSON.parse(readFileSync(new URL(`../../../public/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
      expect(
        Object.keys(shipped).filter((k) => k.startsWith('store_listing_')),
        lang,
      ).toEqual([]);
    }
  });

  it('names every outside source the settings offer, the connectivity test included', () => {
    for (const key of ['consent_connectivity', 'consent_dns', 'consent_vantage', 'consent_status_page', 'consent_archive'])
      expect(LONG.flat()).toContain(key);
    for (const lang of LANGUAGES) {
      const name = messagesOf(lang).consent_connectivity!.message.split('(')[0]!.trim(); // "Connectivity test"
      expect(listing(messagesOf(lang)).long, lang).toContain(`• ${name} (`);
    }
  });

  it('discloses the crowd opt-in in every language, with the Chrome Web Store Limited Use wording', () => {
    for (const lang of LANGUAGES) {
      const long = listing(messagesOf(lang)).long;
      expect(long, lang).toContain(messagesOf(lang).store_listing_crowd!.message);
      expect(long, lang).toMatch(/Limited Use/);
      expect(long, lang).toMatch(/24/);
    }
  });

  it('no listing points at a page it is not on ("below", "here") or says a thing twice', () => {
    for (const lang of LANGUAGES) expect(listingProblems(lang, listing(messagesOf(lang)).long)).toEqual([]);
  });

  it("finds pointing words and a thing said twice (the listing built from the options page's wording)", () => {
    expect(listingProblems('en', 'The services below are asked only if you allow them here.')).toEqual([
      'en: "below" points at a page that is not the store\'s',
    ]);
    expect(listingProblems('de', 'Die Dienste unten werden gefragt.')).toHaveLength(1);
    expect(listingProblems('fr', 'Les services ci-dessous.')).toHaveLength(1);
    expect(listingProblems('es', 'Los servicios de abajo.')).toHaveLength(1);
    const en = messagesOf('en');
    const twice = `${en.options_auto_retry_hint!.message}\n\n${en.retry_post_detail!.message}`;
    expect(repeatedClauses(twice)).toEqual([['A form is never sent again by itself', 'Downcheck never sends a form again by itself']]);
    for (const lang of ['en', 'de', 'es']) {
      const m = messagesOf(lang);
      expect(listingProblems(lang, `${m.options_auto_retry_hint!.message}\n\n${m.retry_post_detail!.message}`), lang).toHaveLength(1);
    }
    expect(repeatedClauses(en.store_listing_retry!.message + '\n\n' + en.retry_post_detail!.message)).toEqual([]);
  });

  it('has the 440×280 promo tile', () => {
    expect(pngSize(readFileSync(new URL('../../../store/promo-tile-440x280.png', import.meta.url)))).toEqual({ width: 440, height: 280 });
  });
});
