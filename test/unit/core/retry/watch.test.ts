import { describe, expect, it } from 'vitest';
import { afterWatchProbe, isWatching, startWatch, watchOnline, watchSeesBack } from '../../../../src/core/retry/watch';
import { siteUrl } from '../../../../src/core/net/url';
import { DEFAULT_RETRY_OPTIONS, probeVerdict, type ProbeAnswer } from '../../../../src/core/retry/policy';
import { onProbeFailed, startSchedule } from '../../../../src/core/retry/schedule';
import { parseWatch } from '../../../../src/core/retry/stored';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const half = () => 0.5;
const start = (online = true) =>
  startWatch({ url: 'https://shop.example/', host: 'shop.example', now: NOW, online, random: half }, DEFAULT_RETRY_OPTIONS);
const probe = (answer: ProbeAnswer, now: number, extra: { offline?: boolean; retryAfterMs?: number } = {}) => ({
  answer,
  verdict: probeVerdict(answer),
  now,
  offline: extra.offline ?? false,
  retryAfterMs: extra.retryAfterMs,
  random: half,
});

describe('siteUrl', () => {
  it.each([
    ['example.com', 'https://example.com/'],
    ['  Example.COM  ', 'https://example.com/'],
    ['example.com/some/page?q=1', 'https://example.com/'],
    ['https://example.com/x', 'https://example.com/'],
    // Typed with http:// (an intranet, a local server): kept, with its port.
    ['http://127.0.0.1:8080/health', 'http://127.0.0.1:8080/'],
    ['localhost:3000', 'https://localhost:3000/'],
  ])('%j → %s', (input, url) => expect(siteUrl(input)).toBe(url));

  it.each(['', '   ', 'file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/', 'http://', 'x'.repeat(3000)])(
    'nothing for %j',
    (input) => expect(siteUrl(input)).toBeUndefined(),
  );
});

describe('watching a site', () => {
  it('starts on auto-retry’s schedule: the same first wait as a retry would have', () => {
    const watch = start();
    expect(watch).toMatchObject({ host: 'shop.example', url: 'https://shop.example/', state: 'watching', probes: 0 });
    expect(watch.schedule).toEqual(startSchedule({ origin: 'https://shop.example', now: NOW, random: half }, DEFAULT_RETRY_OPTIONS));
    expect(isWatching(watch)).toBe(true);
  });

  it('offline, it waits for the connection before the first probe', () => {
    const watch = start(false);
    expect(watch.state).toBe('offline');
    expect(watch.schedule.pausedOfflineSince).toBe(NOW);
    const back = watchOnline(watch, NOW + 60_000);
    expect(back.state).toBe('watching');
    expect(back.schedule.nextAt).toBe(NOW + 60_000);
    expect(watchOnline(back, NOW + 70_000)).toBe(back);
  });

  it('a failing probe backs off exactly as a retry does, Retry-After included', () => {
    const watch = start();
    const at = watch.schedule.nextAt;
    const next = afterWatchProbe(watch, probe({ status: 503 }, at, { retryAfterMs: 20_000 }));
    expect(next.state).toBe('watching');
    expect(next.probes).toBe(1);
    expect(next.lastProbe).toEqual({ at, status: 503, verdict: 'failing' });
    expect(next.schedule).toEqual(onProbeFailed(watch.schedule, { now: at, random: half, retryAfterMs: 20_000 }, DEFAULT_RETRY_OPTIONS));
    expect(next.schedule.nextAt).toBeGreaterThanOrEqual(at + 20_000);
  });

  it('ends when the site answers at all: a page, a redirect, a 404', () => {
    for (const answer of [{ status: 200 }, { status: 304 }, { redirect: true }, { status: 404 }, { status: 403 }] as ProbeAnswer[]) {
      const ended = afterWatchProbe(start(), probe(answer, NOW + 2_000));
      expect(ended.state, JSON.stringify(answer)).toBe('back');
      expect(ended.endedAt).toBe(NOW + 2_000);
      expect(isWatching(ended)).toBe(false);
    }
  });

  it('keeps waiting on a 5xx, a 429 and no answer', () => {
    for (const answer of [{ status: 502 }, { status: 429 }, { error: 'refused' }] as ProbeAnswer[]) {
      expect(watchSeesBack(probeVerdict(answer)), JSON.stringify(answer)).toBe(false);
      expect(afterWatchProbe(start(), probe(answer, NOW + 2_000)).state).toBe('watching');
    }
  });

  it('a probe that failed because the browser is offline pauses instead of counting', () => {
    const paused = afterWatchProbe(start(), probe({ error: 'offline' }, NOW + 2_000, { offline: true }));
    expect(paused.state).toBe('offline');
    expect(paused.schedule.attempt).toBe(1);
  });

  it('gives up when the next probe would come after the give-up time', () => {
    const options = { ...DEFAULT_RETRY_OPTIONS, giveUpAfterMs: 10_000 };
    let watch = startWatch({ url: 'https://shop.example/', host: 'shop.example', now: NOW, online: true, random: half }, options);
    for (let i = 0; i < 20 && isWatching(watch); i += 1)
      watch = afterWatchProbe(watch, probe({ status: 502 }, watch.schedule.nextAt), options);
    expect(watch.state).toBe('gave-up');
    expect(watch.endedAt).toBeLessThanOrEqual(NOW + 10_000);
  });

  it('survives storage: what parseWatch reads back is what was written, and junk is refused', () => {
    const watch = afterWatchProbe(start(), probe({ status: 502 }, NOW + 2_000));
    expect(parseWatch(JSON.parse(JSON.stringify(watch)))).toEqual(watch);
    const back = { ...afterWatchProbe(watch, probe({ status: 200 }, NOW + 9_000)), notified: true as const };
    expect(parseWatch(JSON.parse(JSON.stringify(back)))).toEqual(back);
    expect(parseWatch({ ...watch, url: 'javascript:alert(1)' })).toBeUndefined();
    expect(parseWatch({ ...watch, state: 'sleeping' })).toBeUndefined();
    // The schedule must be the watched URL's own origin.
    expect(parseWatch({ ...watch, url: 'https://other.example/' })).toBeUndefined();
    expect(parseWatch(null)).toBeUndefined();
  });
});
