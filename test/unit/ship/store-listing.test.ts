import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generate, LANGUAGES, listing } from '../../../scripts/store-listing.mjs';
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
      [
        'extDescription',
        'options_auto_retry_hint',
        'retry_post_detail',
        'verdict_down_for_everyone',
        'verdict_partly_down',
        'verdict_just_you_connection',
        'verdict_just_you_dns',
        'verdict_blocked_for_you',
        'verdict_back_up',
        'consent_intro',
        'consent_dns',
        'consent_vantage',
        'consent_status_page',
        'consent_archive',
        'options_privacy_intro',
      ].map((k) => [k, { message: k === 'consent_intro' ? 'Each learns only the name ($1) — never more.' : k }]),
    );
    expect(listing(messages).long).toContain('Each learns only the name — never more.');
    expect(() => listing({})).toThrow(/no "extDescription"/);
  });

  it('has the 440×280 promo tile', () => {
    expect(pngSize(readFileSync(new URL('../../../store/promo-tile-440x280.png', import.meta.url)))).toEqual({ width: 440, height: 280 });
  });
});
