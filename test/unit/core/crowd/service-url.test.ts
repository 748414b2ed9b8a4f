import { describe, expect, it } from 'vitest';
import { MAX_SERVICE_URL_LENGTH, parseServiceUrl } from '../../../../src/core/crowd/service-url';

const ok = (text: string) => parseServiceUrl(text);

describe('parseServiceUrl', () => {
  it.each([
    ['https://crowd.example', 'https://crowd.example'],
    ['https://crowd.example/', 'https://crowd.example'],
    ['  https://Crowd.Example:443/api//  ', 'https://crowd.example/api'],
    ['https://crowd.example:8443/downcheck/', 'https://crowd.example:8443/downcheck'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://127.1:8787/', 'http://127.0.0.1:8787'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
    ['https://crowd.example/a/../b', 'https://crowd.example/b'],
  ])('accepts %s as %s', (text, url) => {
    expect(ok(text)).toEqual({ ok: true, url });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['crowd.example', 'malformed'],
    ['https://', 'malformed'],
    ['ftp://crowd.example', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['ws://127.0.0.1:8787', 'scheme'],
    ['http://crowd.example', 'insecure'],
    ['http://10.0.0.5:8787', 'insecure'],
    ['http://localhost.evil.example', 'insecure'],
    ['http://127.0.0.1.nip.io', 'insecure'],
    ['https://user:secret@crowd.example', 'credentials'],
    ['https://user@crowd.example', 'credentials'],
    ['https://@crowd.example', 'credentials'],
    ['https:user@crowd.example', 'credentials'],
    ['https://crowd.example/?key=1', 'query'],
    ['https://crowd.example/?', 'query'],
    ['https://crowd.example/#top', 'fragment'],
    ['https://crowd.example/#', 'fragment'],
  ] as const)('refuses %j (%s)', (text, problem) => {
    expect(ok(text)).toEqual({ ok: false, problem });
  });

  it('refuses anything but a string', () => {
    for (const value of [undefined, null, 42, {}, ['https://crowd.example']])
      expect(parseServiceUrl(value)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('bounds the length, before and after normalising', () => {
    const base = 'https://crowd.example/';
    expect(ok(base + 'a'.repeat(MAX_SERVICE_URL_LENGTH - base.length)).ok).toBe(true);
    expect(ok(base + 'a'.repeat(MAX_SERVICE_URL_LENGTH - base.length + 1))).toEqual({ ok: false, problem: 'too-long' });
    // Percent-encoding makes the normalised address longer than the text typed.
    const spaces = base + ' '.repeat(60) + 'a';
    expect(spaces.length).toBeLessThanOrEqual(MAX_SERVICE_URL_LENGTH);
    expect(ok(spaces.replace(/ /g, 'é'))).toEqual({ ok: false, problem: 'too-long' });
  });

  it('gives an address to which /v1/… can be appended', () => {
    const parsed = ok('https://crowd.example/api/');
    expect(parsed.ok && `${parsed.url}/v1/reports`).toBe('https://crowd.example/api/v1/reports');
  });
});
