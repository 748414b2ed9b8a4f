import { domainToASCII, domainToUnicode } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePunycode, displayHost } from '../../../../src/core/net/idn';

describe('displayHost', () => {
  it.each([
    ['xn--bcher-kva.example', 'bücher.example'],
    ['xn--mnchen-3ya.de', 'münchen.de'],
    ['xn--espaa-rta.es', 'españa.es'],
    ['xn--crme-brle-13ar8s.fr', 'crème-brûlée.fr'],
    ['xn--fiqs8s.cn', '中国.cn'],
    ['xn--e1afmkfd.xn--p1ai', 'пример.рф'],
    ['xn--hxakic4aa.gr', 'ελλάδα.gr'],
    ['www.XN--BCHER-KVA.example', 'www.bücher.example'],
  ])('%s → %s', (host, shown) => expect(displayHost(host)).toBe(shown));

  it.each([
    ['xn--pple-43d.com', 'a Cyrillic а among Latin letters'],
    ['xn--80ak6aa92e.com', 'Cyrillic letters that all read as Latin (аррӏе)'],
    ['xn--abc-.example', 'ASCII only: never a valid xn-- label'],
    ['xn--.example', 'empty'],
    ['xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.example', 'decodes past the last code point'],
    ['xn--99999999999.example', 'overflow'],
    ['xn--bcher-kv!.example', 'a character that is no punycode digit'],
    [`xn--${'a'.repeat(200)}.example`, 'longer than a DNS label'],
  ])('%s stays in punycode (%s)', (host) => expect(displayHost(host)).toBe(host));

  it.each(['example.com', '127.0.0.1', '[::1]', '[2001:db8::1]', '', 'localhost'])('%s is shown as it is', (host) =>
    expect(displayHost(host)).toBe(host),
  );

  it('decodes what the URL parser encodes, for any single-script label', () => {
    const letters = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzäöüßéèêçñáíóúàâîôûœæøå',
      ...'日本語中文한국어',
      ...'абвгдежзийклмнопрстуфхцчшщыэюя',
    );
    fc.assert(
      fc.property(fc.array(letters, { minLength: 1, maxLength: 20 }), (chars) => {
        const label = chars.join('');
        const ascii = domainToASCII(`${label}.example`);
        if (!ascii.startsWith('xn--')) return; // all ASCII, or refused by IDNA
        const encoded = ascii.slice(4, ascii.indexOf('.'));
        expect(decodePunycode(encoded)).toBe(domainToUnicode(ascii).split('.')[0]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(typeof displayHost(`xn--${s}.example`)).toBe('string');
        const decoded = decodePunycode(s);
        expect(decoded === undefined || typeof decoded === 'string').toBe(true);
      }),
    );
  });
});
