import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksFailed, methodOfTransition } from '../../../src/core/suspect';

describe('looksFailed: titles of real error pages are worth a closer look', () => {
  it.each([
    ['502 Bad Gateway', 'http://shop.example/'],
    ['503 Service Temporarily Unavailable', 'http://shop.example/'],
    ['504 Gateway Time-out', 'http://shop.example/'],
    ['shop.example | 522: Connection timed out', 'https://shop.example/'],
    ['ERROR: The request could not be satisfied', 'https://d111111abcdef8.cloudfront.net/'],
    ['Error 502 (Server Error)!!1', 'https://www.google.com/x'],
    ['Application Error', 'https://app.herokuapp.com/'],
    ['502: BAD_GATEWAY', 'https://x.vercel.app/'],
    ["We're sorry, but something went wrong (500)", 'https://rails.example/'],
    ['Server Error (500)', 'https://django.example/'],
    ['Internal Server Error', 'https://flask.example/'],
    ['500 - Internal server error.', 'https://iis.example/'],
    ['Error 503 Backend fetch failed', 'https://varnish.example/'],
  ])('%s', (title, url) => {
    expect(looksFailed(title, url)).toBe(true);
  });

  it('a known miss: an error page titled like any other page (its status is then never read)', () => {
    expect(looksFailed('Unicorn! · GitHub', 'https://github.com/')).toBe(false);
  });

  it('pages in German, French and Spanish', () => {
    expect(looksFailed('Wartungsarbeiten – wir sind gleich zurück', 'https://a.example/')).toBe(true);
    expect(looksFailed('Interner Serverfehler', 'https://a.example/')).toBe(true);
    expect(looksFailed('Service indisponible', 'https://a.example/')).toBe(true);
    expect(looksFailed('Servicio no disponible', 'https://a.example/')).toBe(true);
  });

  it('a page without a title of its own: the browser shows its address, host or file name', () => {
    expect(looksFailed('', 'http://127.0.0.1:8080/x')).toBe(true);
    expect(looksFailed('   ', 'http://127.0.0.1:8080/x')).toBe(true);
    expect(looksFailed(undefined, 'http://127.0.0.1:8080/x')).toBe(true);
    expect(looksFailed('127.0.0.1:8080/bad-gateway', 'http://127.0.0.1:8080/bad-gateway')).toBe(true);
    expect(looksFailed('shop.example/cart?id=1', 'https://shop.example/cart?id=1#top')).toBe(true);
    expect(looksFailed('127.0.0.1', 'http://127.0.0.1:8080/x')).toBe(true);
    expect(looksFailed('report.txt', 'https://files.example/docs/report.txt')).toBe(true);
    expect(looksFailed('[::1]:8080/', 'http://[::1]:8080/')).toBe(true);
  });

  it('ordinary titles are left alone: no status read, nothing injected', () => {
    for (const title of ['Healthy demo page', 'Downcheck demo site', 'Wikipedia, the free encyclopedia', 'Cart (3) – Shop', 'Version 5.0.2 released', 'Room 15023', 'Inbox (1,502)'])
      expect(looksFailed(title, 'https://shop.example/')).toBe(false);
  });

  it('is total: any title and any URL give a boolean', () => {
    fc.assert(fc.property(fc.anything(), fc.anything(), (title, url) => typeof looksFailed(title, url) === 'boolean'));
    expect(looksFailed('x'.repeat(10_000), 'https://a.example/')).toBe(false);
    expect(looksFailed('%E0%A4%A', 'https://a.example/%E0%A4%A')).toBe(true);
    expect(looksFailed('title', 'not a url')).toBe(false);
  });
});

describe('methodOfTransition', () => {
  it('a form submission may have been a POST; everything else is a GET navigation', () => {
    expect(methodOfTransition('form_submit')).toBe('POST');
    for (const t of ['link', 'typed', 'reload', 'auto_bookmark', 'generated', undefined, 42]) expect(methodOfTransition(t)).toBe('GET');
  });
});
