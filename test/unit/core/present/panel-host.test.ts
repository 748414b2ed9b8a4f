import { describe, expect, it } from 'vitest';
import { hostMarkFrom, hostSelector, hostStyleSheet, raiseAllowed, RAISES_PER_SECOND } from '../../../../src/core/present/panel-host';
import { HOST_MARK } from '../../../../src/model/panel';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => values[i % values.length]!);

describe('the panel host mark', () => {
  it('is 16 lowercase letters, from every byte value', () => {
    for (let b = 0; b < 256; b += 1) expect(hostMarkFrom(bytes(b))).toMatch(HOST_MARK);
    expect(hostMarkFrom(bytes(0, 1, 25, 26, 255))).toBe('abzav' + 'abzav' + 'abzav' + 'a');
  });

  it('follows its random bytes: different bytes, a different mark (nothing fixed a page could look for)', () => {
    const marks = new Set(Array.from({ length: 200 }, (_, i) => hostMarkFrom(bytes(i, i * 7 + 3, i * 13 + 5))));
    expect(marks.size).toBe(200);
    expect([...marks].some((m) => m.includes('downcheck'))).toBe(false);
  });

  it('needs 16 random bytes', () => {
    expect(() => hostMarkFrom(new Uint8Array(15))).toThrow(RangeError);
  });

  it('selects a plain div by its mark, and nothing but a mark becomes a selector', () => {
    expect(hostSelector('abcdefghijklmnop')).toBe('div[abcdefghijklmnop]');
    for (const bad of [
      'body',
      'downcheck-panel',
      'abcdefghijklmnop], body',
      'ABCDEFGHIJKLMNOP',
      'abcdefghijklmno',
      'abcdefghijklmnopq',
      '*',
    ])
      expect(() => hostSelector(bad), bad).toThrow(RangeError);
  });

  it('the user style sheet keeps the host and the root shown, all !important', () => {
    const css = hostStyleSheet('abcdefghijklmnop');
    const [host, root] = css.split('\n');
    expect(host).toMatch(/^div\[abcdefghijklmnop\] \{ /);
    expect(root).toMatch(/^:root \{ /);
    for (const rule of [host!, root!]) {
      const declarations = rule.replace(/^[^{]*\{ | \}$/g, '').split('; ');
      expect(
        declarations.every((d) => d.endsWith(' !important')),
        rule,
      ).toBe(true);
    }
    expect(host).toContain('display: block !important');
    expect(host).toContain('z-index: 2147483647 !important');
    expect(root).toContain('display: block !important');
  });
});

describe('raising the panel back on top', () => {
  it(`allows ${RAISES_PER_SECOND} raises in any second, then waits until the oldest is a second old`, () => {
    const raises: number[] = [];
    let now = 10_000;
    while (raiseAllowed(raises, now)) {
      raises.push(now);
      now += 10;
    }
    expect(raises).toHaveLength(RAISES_PER_SECOND);
    expect(raiseAllowed(raises, raises[0]! + 999)).toBe(false);
    expect(raiseAllowed(raises, raises[0]! + 1000)).toBe(true);
  });

  it('an empty record allows a raise', () => {
    expect(raiseAllowed([], 0)).toBe(true);
  });
});
