// The crowd opt-in as the pages offer it: the address field's rules, its errors, and when the switch is offered.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateCrowdChoice } from '../../../../src/core/crowd/choice';
import { SERVICE_URL_PROBLEM_KEYS, serviceHost, shouldOfferCrowd, withOptIn, withServiceAddress } from '../../../../src/core/crowd/opt-in';

const off = { optIn: false, serviceUrl: null };
const BUILT = 'https://crowd.example';

describe('the service address field', () => {
  it.each([
    ['https://u:p@crowd.example', 'credentials'],
    ['http://crowd.example', 'insecure'],
    ['ftp://crowd.example', 'scheme'],
    ['https://crowd.example/?q=1', 'query'],
    ['https://crowd.example/#x', 'fragment'],
    ['not a url', 'malformed'],
    [`https://crowd.example/${'a'.repeat(200)}`, 'too-long'],
  ])('%s is refused as %s, and the choice is not changed', (text, problem) => {
    expect(withServiceAddress({ optIn: true, serviceUrl: null }, text, BUILT)).toEqual({ ok: false, problem });
  });

  it('every problem but an empty field has a sentence, in every locale', () => {
    const problems = ['too-long', 'malformed', 'scheme', 'insecure', 'credentials', 'query', 'fragment'];
    expect(Object.keys(SERVICE_URL_PROBLEM_KEYS).sort()).toEqual(problems.sort());
    for (const lang of ['en', 'de', 'fr', 'es']) {
      const messages = JSON.parse(readFileSync(new URL(`../../../../public/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
      for (const key of Object.values(SERVICE_URL_PROBLEM_KEYS)) expect(messages[key]?.message, `${lang}.${key}`).toBeTruthy();
    }
  });

  it('keeps a good address in its normal form, and stays valid when read back', () => {
    const change = withServiceAddress(off, '  http://127.0.0.1:8787/  ', undefined);
    expect(change).toEqual({ ok: true, choice: { optIn: false, serviceUrl: 'http://127.0.0.1:8787' } });
    if (change.ok) expect(validateCrowdChoice(change.choice)).toEqual(change.choice);
  });

  it('an empty field means the build’s own service', () => {
    expect(withServiceAddress({ optIn: false, serviceUrl: 'https://mine.example' }, '  ', BUILT)).toEqual({
      ok: true,
      choice: { optIn: false, serviceUrl: null },
    });
  });

  it('the opt-in holds only while the service it was given for stays the one in use', () => {
    const on = { optIn: true, serviceUrl: 'https://mine.example', decided: true as const };
    // The same service, spelled differently: still on.
    expect(withServiceAddress(on, 'https://mine.example/', BUILT)).toEqual({ ok: true, choice: on });
    // Another service: off until given again for it.
    expect(withServiceAddress(on, 'https://other.example', BUILT)).toEqual({
      ok: true,
      choice: { ...on, optIn: false, serviceUrl: 'https://other.example' },
    });
    // Emptied, back to the build's own (another host): off.
    expect(withServiceAddress(on, '', BUILT)).toEqual({ ok: true, choice: { ...on, optIn: false, serviceUrl: null } });
    // Emptied in a build without a service: no service left, off.
    expect(withServiceAddress(on, '', undefined)).toEqual({ ok: true, choice: { ...on, optIn: false, serviceUrl: null } });
    // Typing the build's own address keeps it on.
    expect(withServiceAddress({ optIn: true, serviceUrl: null }, 'https://crowd.example', BUILT)).toEqual({
      ok: true,
      choice: { optIn: true, serviceUrl: 'https://crowd.example' },
    });
  });
});

describe('the switch', () => {
  it('turns on only with a service and the browser’s permission; any answer is remembered', () => {
    expect(withOptIn(off, true, true, BUILT)).toEqual({ optIn: true, serviceUrl: null, decided: true });
    expect(withOptIn(off, true, false, BUILT)).toEqual({ optIn: false, serviceUrl: null, decided: true });
    expect(withOptIn(off, true, true, undefined)).toEqual({ optIn: false, serviceUrl: null, decided: true });
    expect(withOptIn({ optIn: true, serviceUrl: null }, false, true, BUILT)).toEqual({ optIn: false, serviceUrl: null, decided: true });
  });

  it('"decided" survives storage; anything but a literal true is not an answer', () => {
    expect(validateCrowdChoice({ optIn: false, serviceUrl: null, decided: true })).toEqual({
      optIn: false,
      serviceUrl: null,
      decided: true,
    });
    expect(validateCrowdChoice({ optIn: false, serviceUrl: null, decided: 'yes' })).toEqual(off);
  });

  it('names the host of the service in use, or none', () => {
    expect(serviceHost(off, 'https://crowd.example/api')).toBe('crowd.example');
    expect(serviceHost({ optIn: false, serviceUrl: 'http://127.0.0.1:8787' }, BUILT)).toBe('127.0.0.1:8787');
    expect(serviceHost(off, undefined)).toBeNull();
    expect(serviceHost(off, 'http://not-local.example')).toBeNull();
  });

  it('the popup offers it only with a service and before any answer', () => {
    expect(shouldOfferCrowd(off, BUILT)).toBe(true);
    expect(shouldOfferCrowd(off, undefined)).toBe(false);
    expect(shouldOfferCrowd({ optIn: false, serviceUrl: 'https://mine.example' }, undefined)).toBe(true);
    expect(shouldOfferCrowd({ optIn: true, serviceUrl: null }, BUILT)).toBe(false);
    expect(shouldOfferCrowd({ optIn: false, serviceUrl: null, decided: true }, BUILT)).toBe(false);
  });
});
