import { describe, expect, it } from 'vitest';
import { formatWait, retryView } from '../../../../src/core/present/retry-view';
import type { RetryRecord } from '../../../../src/model/retry';
import en from '../../../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string }>;
const NOW = 1_000_000;
const record = (over: Partial<RetryRecord> = {}): RetryRecord => ({
  origin: 'https://a.example',
  probeUrl: 'https://a.example/',
  tabs: [7],
  schedule: {
    origin: 'https://a.example',
    startedAt: NOW - 10_000,
    attempt: 3,
    nextAt: NOW + 12_400,
    notBefore: NOW,
    pausedOfflineSince: null,
    giveUpAt: NOW + 1e6,
  },
  state: 'waiting',
  probes: 2,
  lastProbe: { at: NOW - 1000, status: 502 },
  ...over,
});
const GET = { retry: true, reason: 'server-error' } as const;
const view = (over: Partial<Parameters<typeof retryView>[0]>) =>
  retryView({ record: record(), tabId: 7, decision: GET, now: NOW, ...over });

describe('retryView', () => {
  it('counts down to the next attempt and says what the last probe saw', () => {
    expect(view({})).toEqual({
      kind: 'waiting',
      seconds: 13,
      attempt: 3,
      status: { key: 'retry_waiting_status', subs: ['13 s', '3'] },
      detail: { key: 'retry_waiting_detail_last', subs: ['2', '502'] },
    });
    expect(view({ now: NOW + 20_000 })?.status).toEqual({ key: 'retry_checking_status' });
  });

  it.each([
    ['a POST', { decision: { retry: false, reason: 'method' } }, 'post'],
    ['no schedule', { record: undefined }, 'off'],
    ['another tab’s schedule', { tabId: 8 }, 'off'],
    ['given up', { record: record({ state: 'gave-up' }) }, 'gave-up'],
    ['offline', { record: record({ state: 'offline' }) }, 'offline'],
  ] as const)('%s → %s', (_, over, kind) => expect(view(over as never)?.kind).toBe(kind));

  it('says nothing for outcomes that are never retried (e.g. a certificate error)', () => {
    expect(view({ decision: { retry: false, reason: 'tls' } })).toBeUndefined();
    expect(view({ decision: { retry: false, reason: 'status' } })).toBeUndefined();
  });

  it('uses only existing messages', () => {
    for (const v of [
      view({}),
      view({ decision: { retry: false, reason: 'method' } }),
      view({ record: undefined }),
      view({ record: record({ state: 'gave-up' }) }),
      view({ record: record({ state: 'offline' }) }),
      view({ record: record({ lastProbe: undefined }) }),
    ]) {
      expect(messages[v!.status.key], v!.status.key).toBeDefined();
      expect(messages[v!.detail.key], v!.detail.key).toBeDefined();
    }
  });
});

describe('formatWait', () => {
  it.each([
    [0, '0 s'],
    [-5, '0 s'],
    [59, '59 s'],
    [60, '1 min 00 s'],
    [185, '3 min 05 s'],
    [3725, '1 h 02 min'],
  ])('%s → %s', (s, text) => expect(formatWait(s)).toBe(text));
});

describe('retryView after recoveries', () => {
  const decision = { retry: true, reason: 'server-error' } as const;
  it('"the site answers other visitors, but your page still fails"', () => {
    const view = retryView({ record: record({ state: 'page-fails', recoveries: 3 }), tabId: 7, decision, now: NOW });
    expect(view).toMatchObject({
      kind: 'page-fails',
      status: { key: 'retry_page_fails_status', subs: ['a.example'] },
      detail: { key: 'retry_page_fails_detail', subs: ['3'] },
    });
    expect(messages.retry_page_fails_status!.message).toContain('$1');
  });
  it('a probe that got an answer other than the page says so', () => {
    const view = retryView({
      record: record({ probes: 2, lastProbe: { at: NOW, redirect: true, verdict: 'answers' } }),
      tabId: 7,
      decision,
      now: NOW,
    });
    expect(view?.detail).toEqual({ key: 'retry_waiting_detail_answers', subs: ['2', '3xx'] });
    const four = retryView({
      record: record({ probes: 2, lastProbe: { at: NOW, status: 401, verdict: 'answers' } }),
      tabId: 7,
      decision,
      now: NOW,
    });
    expect(four?.detail).toEqual({ key: 'retry_waiting_detail_answers', subs: ['2', '401'] });
  });
  it('a tab being loaded again after a recovery', () => {
    expect(retryView({ record: record({ state: 'recovered' }), tabId: 7, decision, now: NOW })).toMatchObject({
      kind: 'waiting',
      status: { key: 'retry_back_status' },
    });
  });
});
