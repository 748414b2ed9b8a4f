import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIDENCE_KEYS,
  headlineFor,
  historyVerdictId,
  toneOf,
  VERDICT_KEYS,
  verdictLabel,
  verdictOfHistoryId,
} from '../../../../src/core/present/verdict-text';
import type { Incident } from '../../../../src/model/incident';
import type { Msg } from '../../../../src/model/message-text';
import { HISTORY_VERDICT_IDS, VERDICT_KINDS, type VerdictKind } from '../../../../src/model/verdict';

const ctx = { host: 'example.com', incidentKind: 'http' as const, outside: false, retrying: false };
const INCIDENT_KINDS: Array<Incident['kind']> = ['http', 'network', 'soft'];

// What the history has stored (and exported as `verdict`) since 0.2: the id per verdict kind with and without
// outside evidence, and the label each id is shown with. Written out, not imported: the table must keep them.
const STORED: Record<VerdictKind, { outside: string; local: string }> = {
  'down-for-everyone': { outside: 'down-for-everyone', local: 'site-failing' },
  'partly-down': { outside: 'partly-down', local: 'partly-down' },
  'just-you-connection': { outside: 'just-you-connection', local: 'your-connection' },
  'just-you-dns': { outside: 'just-you-dns', local: 'your-dns' },
  'blocked-for-you': { outside: 'blocked-for-you', local: 'refuses-you' },
  'back-up': { outside: 'back-up', local: 'back-up' },
  'cant-tell': { outside: 'cant-tell', local: 'cant-tell' },
};
const LABELS: Record<string, string> = {
  'down-for-everyone': 'verdict_down_for_everyone',
  'partly-down': 'verdict_partly_down',
  'just-you-connection': 'verdict_just_you_connection',
  'just-you-dns': 'verdict_just_you_dns',
  'blocked-for-you': 'verdict_blocked_for_you',
  'back-up': 'verdict_back_up',
  'cant-tell': 'verdict_cant_tell',
  'site-failing': 'verdict_site_failing',
  'your-connection': 'verdict_your_connection',
  'your-dns': 'verdict_your_dns',
  'refuses-you': 'verdict_refuses_you',
};

describe('the history ids: a serialisation of the one set, as stored today', () => {
  it('stores the same id for every kind, outside or not, whatever the incident kind', () => {
    for (const kind of VERDICT_KINDS)
      for (const incidentKind of INCIDENT_KINDS) {
        expect(historyVerdictId(kind, true, incidentKind)).toBe(STORED[kind].outside);
        expect(historyVerdictId(kind, false, incidentKind)).toBe(STORED[kind].local);
      }
  });

  it('knows exactly the ids stored today, and each reads back to itself with its old label', () => {
    expect([...HISTORY_VERDICT_IDS].sort()).toEqual(Object.keys(LABELS).sort());
    const made = new Set(VERDICT_KINDS.flatMap((k) => [historyVerdictId(k, true, 'http'), historyVerdictId(k, false, 'http')]));
    expect([...made].sort()).toEqual([...HISTORY_VERDICT_IDS].sort());
    for (const id of HISTORY_VERDICT_IDS) {
      const { kind, outside } = verdictOfHistoryId(id);
      expect(historyVerdictId(kind, outside, 'http'), id).toBe(id);
      expect(verdictLabel(kind, outside), id).toEqual({ key: LABELS[id] });
    }
  });

  it('labels a verdict as the history did: "for everyone" and "just you" only with outside evidence', () => {
    for (const kind of VERDICT_KINDS) {
      expect(verdictLabel(kind, true)).toEqual({ key: LABELS[STORED[kind].outside] });
      expect(verdictLabel(kind, false)).toEqual({ key: LABELS[STORED[kind].local] });
    }
    expect(new Set(Object.values(LABELS)).size).toBe(HISTORY_VERDICT_IDS.length);
  });

  it('has a locale key per kind (its long name) and per confidence', () => {
    for (const kind of VERDICT_KINDS) expect(VERDICT_KEYS[kind]).toBe(LABELS[kind]);
    expect(CONFIDENCE_KEYS).toEqual({ low: 'confidence_low', medium: 'confidence_medium', high: 'confidence_high' });
  });
});

describe('headlineFor', () => {
  it('says "checking" until the verdict is in', () => {
    expect(headlineFor(undefined, { ...ctx, retrying: true })).toEqual({
      kind: undefined,
      tone: 'unknown',
      headline: { key: 'answer_checking', subs: ['example.com'] },
      sub: { key: 'answer_sub_checking' },
    });
  });

  it('names an internationalised site as the visitor reads it, a lookalike in punycode', () => {
    expect(headlineFor(undefined, { ...ctx, host: 'xn--bcher-kva.example' }).headline).toEqual({
      key: 'answer_checking',
      subs: ['bücher.example'],
    });
    expect(headlineFor(undefined, { ...ctx, host: 'xn--pple-43d.com' }).headline.subs).toEqual(['xn--pple-43d.com']);
  });

  it('claims "down for everyone" only with evidence from outside', () => {
    expect(headlineFor('down-for-everyone', ctx)).toEqual({
      kind: 'down-for-everyone',
      tone: 'site',
      headline: { key: 'answer_site_failing', subs: ['example.com'] },
      sub: { key: 'answer_sub_ask_outside' },
    });
    expect(headlineFor('down-for-everyone', { ...ctx, outside: true, retrying: true })).toEqual({
      kind: 'down-for-everyone',
      tone: 'site',
      headline: { key: 'answer_down_for_everyone', subs: ['example.com'] },
      sub: { key: 'answer_sub_reload' },
    });
  });

  it('leaves "only outside services can tell" to the consent question when it is shown', () => {
    expect(headlineFor('down-for-everyone', { ...ctx, asking: true })).toEqual({
      kind: 'down-for-everyone',
      tone: 'site',
      headline: { key: 'answer_site_failing', subs: ['example.com'] },
    });
    // Other sub-lines say something the question does not: kept.
    expect(headlineFor('down-for-everyone', { ...ctx, retrying: true, asking: true }).sub?.key).toBe('answer_sub_reload');
    expect(headlineFor(undefined, { ...ctx, asking: true }).sub?.key).toBe('answer_sub_checking');
  });

  it('promises a reload only while a retry runs, and only where waiting is the fix', () => {
    expect(headlineFor('down-for-everyone', { ...ctx, outside: true }).sub).toBeUndefined();
    expect(headlineFor('partly-down', { ...ctx, retrying: true }).sub?.key).toBe('answer_sub_reload');
    expect(headlineFor('cant-tell', { ...ctx, retrying: true }).sub?.key).toBe('answer_sub_reload');
    expect(headlineFor('cant-tell', ctx).sub?.key).toBe('answer_sub_cant_tell');
    for (const kind of ['just-you-connection', 'just-you-dns', 'blocked-for-you', 'back-up'] as const)
      expect(headlineFor(kind, { ...ctx, retrying: true }).sub?.key).not.toBe('answer_sub_reload');
  });

  it('a network failure nobody could judge says the site cannot be reached: a headline, not a state', () => {
    const network = headlineFor('cant-tell', { ...ctx, incidentKind: 'network' });
    expect(network).toEqual({
      kind: 'cant-tell',
      tone: 'unknown',
      headline: { key: 'answer_unreachable', subs: ['example.com'] },
      sub: { key: 'answer_sub_cant_tell' },
    });
    expect(headlineFor('cant-tell', ctx).headline.key).toBe('answer_cant_tell');
  });

  it('"works for others" only with outside evidence, naming the host where its words do', () => {
    expect(headlineFor('just-you-connection', { ...ctx, outside: true })).toEqual({
      kind: 'just-you-connection',
      tone: 'you',
      headline: { key: 'answer_just_you_connection' },
      sub: { key: 'answer_sub_connection', subs: ['example.com'] },
    });
    expect(headlineFor('just-you-connection', ctx).headline).toEqual({ key: 'answer_your_connection', subs: ['example.com'] });
    expect(headlineFor('just-you-dns', ctx).headline.key).toBe('answer_your_dns');
    expect(headlineFor('blocked-for-you', ctx).headline.key).toBe('answer_refuses_you');
    expect(headlineFor('blocked-for-you', { ...ctx, outside: true }).headline.key).toBe('answer_blocked_for_you');
  });

  it('gives each kind its tone: the site failing, your side, back, or not known', () => {
    const tones = Object.fromEntries(VERDICT_KINDS.map((k) => [k, toneOf(k)]));
    expect(tones).toEqual({
      'down-for-everyone': 'site',
      'partly-down': 'site',
      'just-you-connection': 'you',
      'just-you-dns': 'you',
      'blocked-for-you': 'you',
      'back-up': 'back',
      'cant-tell': 'unknown',
    });
    expect(toneOf(undefined)).toBe('unknown');
    for (const kind of VERDICT_KINDS)
      for (const outside of [false, true]) expect(headlineFor(kind, { ...ctx, outside }).tone).toBe(tones[kind]);
  });

  it('every wording exists in English with a $1 exactly where it names the host, and a sub-line never repeats the headline', () => {
    const en = JSON.parse(readFileSync(new URL('../../../../public/_locales/en/messages.json', import.meta.url), 'utf8')) as Record<
      string,
      { message: string }
    >;
    const check = (msg: Msg): void => {
      expect(en[msg.key], msg.key).toBeDefined();
      expect(en[msg.key]!.message.includes('$1'), msg.key).toBe(msg.subs?.length === 1);
    };
    for (const kind of [undefined, ...VERDICT_KINDS])
      for (const outside of [false, true])
        for (const incidentKind of INCIDENT_KINDS)
          for (const retrying of [false, true]) {
            const a = headlineFor(kind, { ...ctx, outside, incidentKind, retrying });
            check(a.headline);
            if (a.sub) check(a.sub);
            if (a.sub) expect(a.sub.key).not.toBe(a.headline.key);
            if (kind) check(verdictLabel(kind, outside));
          }
  });
});
