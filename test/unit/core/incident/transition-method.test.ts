import { describe, expect, it } from 'vitest';
import { methodOfTransition } from '../../../../src/core/incident/transition-method';

describe('methodOfTransition', () => {
  it('a form submission may have been a POST; everything else is a GET navigation', () => {
    expect(methodOfTransition('form_submit')).toBe('POST');
    for (const t of ['link', 'typed', 'reload', 'auto_bookmark', 'generated', undefined, 42]) expect(methodOfTransition(t)).toBe('GET');
  });
});
