import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crowdAge, crowdEvidence, PLATFORM_NAMES, weighCrowd, type CrowdMsg } from '../../../../src/core/crowd/evidence';
import type { BucketHost, HostLookup, ProvidersRead } from '../../../../src/core/crowd/read';
import { PLATFORMS } from '../../../../src/core/crowd/report';
import { VERDICT_KEYS } from '../../../../src/core/present/verdict-text';
import type { Confidence, VerdictKind } from '../../../../src/model/verdict';

const MIN = 60_000;
const asOf = Date.parse('2026-12-07T12:30:00Z');
const listed = (over: Partial<BucketHost> = {}): HostLookup => ({
  kind: 'listed',
  asOf,
  host: { hostKey: 'abc'.padEnd(64, '0'), reporters: 310, networks: 41, level: 'widespread', ratio: 25.4, since: asOf - 12 * MIN, ...over },
});
const unlisted: HostLookup = { kind: 'unlisted', asOf };
const error: HostLookup = { kind: 'error' };
const providers: ProvidersRead = {
  windowMin: 10,
  asOf: asOf - MIN,
  providers: [{ via: 'cloudflare', hosts: 150, reporters: 900, networks: 80, level: 'possible' }],
};
const host = 'example.com';

const locales = ['en', 'de', 'fr', 'es'].map(
  (lang) =>
    [lang, JSON.parse(readFileSync(new URL(`../../../../public/_locales/${lang}/messages.json`, import.meta.url), 'utf8'))] as const,
);
/** What the popup would show: the English message with its substitutions. */
const english = (msg: CrowdMsg): string =>
  (locales[0]![1][msg.key].message as string).replace(/\$(\d)/g, (_, n: string) => msg.subs?.[Number(n) - 1] ?? '?');

describe('crowdEvidence: the row', () => {
  it('says how many users on how many networks, and the ratio when it is at least 2', () => {
    const e = crowdEvidence({ lookup: listed(), host });
    expect(english(e.row)).toBe('310+ Downcheck users on 41 networks see example.com failing right now (25× usual)');
    expect(e.weight).toBe('supports-everyone');
    expect(e.level).toBe('widespread');
    expect(e.asOf).toBe(asOf);
  });

  it('rounds the ratio and shows it from 2 on, not for 1.99 or while there is no history', () => {
    expect(crowdEvidence({ lookup: listed({ ratio: 2 }), host }).row.subs?.[3]).toBe('2');
    expect(crowdEvidence({ lookup: listed({ ratio: 2.5 }), host }).row.subs?.[3]).toBe('3');
    expect(crowdEvidence({ lookup: listed({ ratio: 1.99 }), host }).row.key).not.toBe('crowdHostFailingRatio');
    expect(crowdEvidence({ lookup: listed({ ratio: null }), host }).row.key).not.toBe('crowdHostFailingRatio');
  });

  it('says for how long when there is no telling ratio, measured on the service’s clock', () => {
    const e = crowdEvidence({ lookup: listed({ ratio: null, since: asOf - 12 * MIN - 59_000 }), host });
    expect(english(e.row)).toBe('310+ Downcheck users on 41 networks see example.com failing, for 12 minutes');
    expect(english(crowdEvidence({ lookup: listed({ ratio: 1.2, since: asOf - 150 * MIN }), host }).row)).toBe(
      '310+ Downcheck users on 41 networks see example.com failing, for 2 hours',
    );
  });

  it('says "right now" for a run under 2 minutes (never "for 1 minutes")', () => {
    for (const since of [asOf, asOf - MIN, asOf - 2 * MIN + 1])
      expect(english(crowdEvidence({ lookup: listed({ ratio: null, since }), host }).row)).toBe(
        '310+ Downcheck users on 41 networks see example.com failing right now',
      );
    expect(crowdEvidence({ lookup: listed({ ratio: null, since: asOf - 2 * MIN }), host }).row.key).toBe('crowdHostFailingMinutes');
  });

  it('says "too few reports to tell" below the threshold, and weighs nothing', () => {
    const e = crowdEvidence({ lookup: unlisted, host });
    expect(english(e.row)).toBe('Too few reports from other Downcheck users to tell');
    expect(e.weight).toBe('none');
    expect(e.asOf).toBe(asOf);
  });

  it('says the reports could not be read on a service error, and weighs nothing', () => {
    const e = crowdEvidence({ lookup: error, host });
    expect(e.row.key).toBe('crowdUnavailable');
    expect(e.weight).toBe('none');
    expect(e.asOf).toBeUndefined();
  });

  it('never words absence of reports as "just you"', () => {
    for (const lookup of [unlisted, error]) expect(english(crowdEvidence({ lookup, host }).row)).not.toMatch(/just you|only you|your/i);
  });
});

describe('crowdEvidence: the platform row', () => {
  it('names the platform and how many sites fail on it when the answer came through it', () => {
    const e = crowdEvidence({ lookup: unlisted, host, via: 'cloudflare', providers });
    expect(e.provider && english(e.provider)).toBe('Cloudflare is failing for 150+ sites right now');
    expect(e.weight).toBe('supports-everyone');
    expect(e.level).toBe('possible');
  });

  it('says nothing of a platform the service does not list, or without via or a providers read', () => {
    expect(crowdEvidence({ lookup: unlisted, host, via: 'fastly', providers }).provider).toBeUndefined();
    expect(crowdEvidence({ lookup: unlisted, host, providers }).provider).toBeUndefined();
    expect(crowdEvidence({ lookup: unlisted, host, via: 'cloudflare' }).provider).toBeUndefined();
    expect(crowdEvidence({ lookup: unlisted, host, via: 'fastly', providers }).weight).toBe('none');
  });

  it('still shows the platform when the bucket read failed, dated by the providers answer', () => {
    const e = crowdEvidence({ lookup: error, host, via: 'cloudflare', providers });
    expect(e.provider?.key).toBe('crowdProviderFailing');
    expect(e.asOf).toBe(providers.asOf);
  });

  it('has a brand name for every contract platform', () => {
    expect(Object.keys(PLATFORM_NAMES).sort()).toEqual([...PLATFORMS].sort());
  });
});

describe('every row exists in all four languages with as many substitutions as it is given', () => {
  const rows: CrowdMsg[] = [
    crowdEvidence({ lookup: listed(), host }).row,
    crowdEvidence({ lookup: listed({ ratio: null }), host }).row,
    crowdEvidence({ lookup: listed({ ratio: null, since: asOf }), host }).row,
    crowdEvidence({ lookup: listed({ ratio: null, since: asOf - 300 * MIN }), host }).row,
    crowdEvidence({ lookup: unlisted, host }).row,
    crowdEvidence({ lookup: error, host }).row,
    crowdEvidence({ lookup: unlisted, host, via: 'cloudflare', providers }).provider!,
    crowdAge(asOf, asOf),
    crowdAge(asOf, asOf + 5 * MIN),
  ];
  it.each(locales)('%s', (_, messages) => {
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    for (const row of rows) {
      const message: string = messages[row.key]?.message;
      expect(message, row.key).toBeTruthy();
      const used = new Set([...message.matchAll(/\$(\d)/g)].map((m) => Number(m[1])));
      expect([...used].sort(), row.key).toEqual(Array.from({ length: row.subs?.length ?? 0 }, (_, i) => i + 1));
    }
    for (const key of ['crowdOptIn', 'crowdOptInDetail', 'crowdLabel']) expect(messages[key]?.message, key).toBeTruthy();
  });

  it('the opt-in discloses what is sent, to whom, and what never leaves (English)', () => {
    const en = locales[0]![1];
    expect(en.crowdOptIn.message).toBe('Share and see outage reports from other Downcheck users');
    const detail: string = en.crowdOptInDetail.message;
    for (const part of [
      '$1',
      'name as a hash',
      'kind of failure',
      'random id that changes every day',
      'page’s address',
      'load fine',
      'IP address',
    ])
      expect(detail).toContain(part);
  });
});

describe('crowdAge', () => {
  it('says how old the answer is in whole minutes', () => {
    expect(crowdAge(asOf, asOf + 59_999)).toEqual({ key: 'crowdAgeNow' });
    expect(crowdAge(asOf, asOf + MIN)).toEqual({ key: 'crowdAgeMinutes', subs: ['1'] });
    expect(english(crowdAge(asOf, asOf + 7 * MIN + 30_000))).toBe('as of 7 min ago');
  });

  it('reads an answer from ahead of this clock as just now', () => {
    expect(crowdAge(asOf + 5 * MIN, asOf)).toEqual({ key: 'crowdAgeNow' });
  });
});

describe('weighCrowd: how the row weighs in the verdict', () => {
  const kinds = Object.keys(VERDICT_KEYS) as VerdictKind[];
  const confidences: Confidence[] = ['low', 'medium', 'high'];

  it('never decides alone: the verdict’s kind never changes (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...confidences),
        fc.constantFrom('supports-everyone' as const, 'none' as const),
        (kind, confidence, weight) => {
          expect(weighCrowd({ kind, confidence, reasons: [] }, weight).kind).toBe(kind);
        },
      ),
    );
  });

  it('"can\'t tell" stays "can\'t tell" however many users report the site', () => {
    expect(weighCrowd({ kind: 'cant-tell', confidence: 'low' }, 'supports-everyone')).toEqual({ kind: 'cant-tell', confidence: 'low' });
  });

  it('strengthens "down for everyone" and "partly down" one step', () => {
    expect(weighCrowd({ kind: 'down-for-everyone', confidence: 'low' }, 'supports-everyone').confidence).toBe('medium');
    expect(weighCrowd({ kind: 'down-for-everyone', confidence: 'medium' }, 'supports-everyone').confidence).toBe('high');
    expect(weighCrowd({ kind: 'down-for-everyone', confidence: 'high' }, 'supports-everyone').confidence).toBe('high');
    expect(weighCrowd({ kind: 'partly-down', confidence: 'low' }, 'supports-everyone').confidence).toBe('medium');
  });

  it('weakens a "just you" verdict one step when others see the site failing too', () => {
    for (const kind of ['just-you-connection', 'just-you-dns', 'blocked-for-you'] as const) {
      expect(weighCrowd({ kind, confidence: 'high' }, 'supports-everyone').confidence, kind).toBe('medium');
      expect(weighCrowd({ kind, confidence: 'low' }, 'supports-everyone').confidence, kind).toBe('low');
    }
  });

  it('leaves a fresh "back up" alone', () => {
    expect(weighCrowd({ kind: 'back-up', confidence: 'high' }, 'supports-everyone')).toEqual({ kind: 'back-up', confidence: 'high' });
  });

  it('absence of reports is never evidence for "just you": a weightless row changes nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...confidences),
        fc.constantFrom(unlisted, error),
        (kind, confidence, lookup) => {
          const e = crowdEvidence({ lookup, host });
          const verdict = { kind, confidence };
          expect(weighCrowd(verdict, e.weight)).toEqual(verdict);
        },
      ),
    );
  });
});
