import { describe, expect, it } from 'vitest';
import { answerFor } from '../../../src/core/answer';
import type { VerdictKind } from '../../../src/core/verdict';

const http = { host: 'example.com', kind: 'http' as const };
const network = { host: 'example.com', kind: 'network' as const };

describe('answerFor', () => {
  it('says "checking" until the verdict is in', () => {
    expect(answerFor({ incident: http, outside: false, retrying: true })).toEqual({
      state: 'checking',
      headline: { key: 'answer_checking', subs: ['example.com'] },
      sub: { key: 'answer_sub_checking' },
    });
  });

  it('claims "down for everyone" only with evidence from outside', () => {
    const inside = answerFor({ incident: http, verdict: 'down-for-everyone', outside: false, retrying: false });
    expect(inside.state).toBe('site-failing');
    expect(inside.headline.key).toBe('answer_site_failing');
    expect(inside.sub?.key).toBe('answer_sub_ask_outside');
    const outside = answerFor({ incident: http, verdict: 'down-for-everyone', outside: true, retrying: true });
    expect(outside).toEqual({
      state: 'down-for-everyone',
      headline: { key: 'answer_down_for_everyone', subs: ['example.com'] },
      sub: { key: 'answer_sub_reload' },
    });
  });

  it('promises a reload only while a retry runs', () => {
    expect(answerFor({ incident: http, verdict: 'down-for-everyone', outside: true, retrying: false }).sub).toBeUndefined();
    expect(answerFor({ incident: http, verdict: 'down-for-everyone', outside: false, retrying: true }).sub?.key).toBe('answer_sub_reload');
  });

  it('a network failure nobody could judge says the site cannot be reached', () => {
    expect(answerFor({ incident: network, verdict: 'cant-tell', outside: false, retrying: false }).state).toBe('unreachable');
    expect(answerFor({ incident: http, verdict: 'cant-tell', outside: false, retrying: false }).state).toBe('cant-tell');
  });

  it('has a headline and a different sub-line for every verdict', () => {
    const kinds: VerdictKind[] = [
      'down-for-everyone',
      'partly-down',
      'just-you-connection',
      'just-you-dns',
      'blocked-for-you',
      'back-up',
      'cant-tell',
    ];
    for (const verdict of kinds) {
      for (const outside of [false, true]) {
        const a = answerFor({ incident: http, verdict, outside, retrying: false });
        expect(a.headline.key).toMatch(/^answer_/);
        if (a.sub) expect(a.sub.key).not.toBe(a.headline.key);
      }
    }
  });
});
