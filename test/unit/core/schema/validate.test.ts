import { describe, expect, it } from 'vitest';
import { text } from '../../../../src/core/schema/validate';

describe('text: outside strings made safe to show', () => {
  it.each([
    ['Acme\u202eusp\u202c Status', 'Acmeusp Status'], // right-to-left override
    ['\u2067Frankfurt\u2069, DE', 'Frankfurt, DE'], // isolates
    ['a\u200eb\u200fc\u061cd', 'abcd'], // marks
    ['\u202a\u202b\u202d\u2066\u2068x', 'x'],
    ['line\nbreak\u2028here', 'line break here'],
    ['  ok  ', 'ok'],
    ['עברית status', 'עברית status'], // right-to-left text itself stays
  ])('%j → %j', (raw, clean) => expect(text(raw, 200)).toBe(clean));

  it('cuts to the limit after cleaning, and refuses non-strings', () => {
    expect(text('ab\u202ecdef', 3)).toBe('abc');
    expect(text(42, 10)).toBeUndefined();
  });
});
