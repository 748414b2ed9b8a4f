import { describe, expect, it } from 'vitest';
import {
  endingOf,
  groupBySite,
  shortDuration,
  timelinePoints,
  toCsv,
  toJson,
  withEnd,
  withVerdict,
} from '../../../../src/core/present/history';
import type { Incident } from '../../../../src/model/incident';

const incident = (host: string, time: number, extra: Partial<Incident> = {}): Incident => ({
  kind: 'http',
  url: `https://${host}/`,
  host,
  status: 502,
  meaning: { key: 'meaning_502' },
  explanation: { key: 'fault_gateway_502' },
  severity: 'critical',
  retryable: true,
  fault: 'origin',
  headers: {},
  method: 'GET',
  time,
  badge: '502',
  ...extra,
});

describe('history', () => {
  it('groups per site, newest site first, newest incident first', () => {
    const sites = groupBySite([incident('a.example', 1), incident('b.example', 5), incident('a.example', 9), incident('c.example', 3)]);
    expect(sites.map((s) => s.host)).toEqual(['a.example', 'b.example', 'c.example']);
    expect(sites[0]?.incidents.map((i) => i.time)).toEqual([9, 1]);
    expect(groupBySite([])).toEqual([]);
  });

  it('places incidents on the timeline and leaves out those outside it', () => {
    expect(timelinePoints([incident('a', 0), incident('a', 50), incident('a', 100), incident('a', 150)], 0, 100)).toEqual([0, 0.5, 1]);
    expect(timelinePoints([incident('a', 5)], 10, 10)).toEqual([]);
  });

  it('exports JSON with the fields the history keeps', () => {
    const parsed = JSON.parse(toJson([incident('a.example', Date.UTC(2026, 0, 2, 3, 4, 5), { platform: { id: 'nginx', name: 'nginx' } })]));
    expect(parsed).toEqual({
      format: 'downcheck-history',
      version: 1,
      incidents: [
        {
          time: '2026-01-02T03:04:05.000Z',
          host: 'a.example',
          url: 'https://a.example/',
          kind: 'http',
          code: '502',
          platform: 'nginx',
          method: 'GET',
          verdict: '',
          ended: '',
          ended_at: '',
          lasted_s: '',
        },
      ],
    });
  });

  it('exports the verdict, how it ended, when, and how long it lasted', () => {
    const start = Date.UTC(2026, 0, 2, 3, 4, 5);
    const parsed = JSON.parse(
      toJson([incident('a.example', start, { verdict: 'down-for-everyone', end: { how: 'came-back', at: start + 272_400 } })]),
    );
    expect(parsed.incidents[0]).toMatchObject({
      verdict: 'down-for-everyone',
      ended: 'came-back',
      ended_at: '2026-01-02T03:08:37.400Z',
      lasted_s: '272',
    });
  });

  it('exports CSV quoted as RFC 4180 asks, with formulas neutralised', () => {
    const csv = toCsv([
      incident('a.example', 0, { url: 'https://a.example/x,"y"' }),
      incident('b.example', 0, {
        kind: 'network',
        status: undefined,
        netError: 'dns',
        badge: 'DNS',
        url: '=HYPERLINK("x")',
        verdict: 'just-you-dns',
        end: { how: 'gave-up', at: 120_000 },
      }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('time,host,url,kind,code,platform,method,verdict,ended,ended_at,lasted_s');
    expect(lines[1]).toBe('1970-01-01T00:00:00.000Z,a.example,"https://a.example/x,""y""",http,502,,GET,,,,');
    expect(lines[2]).toBe(
      '1970-01-01T00:00:00.000Z,b.example,"\'=HYPERLINK(""x"")",network,dns,,GET,just-you-dns,gave-up,1970-01-01T00:02:00.000Z,120',
    );
    expect(lines[3]).toBe('');
  });
});

describe('the verdict a history entry keeps', () => {
  const list = [incident('a.example', 9), incident('b.example', 5), incident('a.example', 1)];

  it('marks only the entry of that host and time; a later verdict replaces an earlier one', () => {
    const local = withVerdict(list, 'a.example', 1, 'cant-tell');
    expect(local?.map((e) => e.verdict)).toEqual([undefined, undefined, 'cant-tell']);
    expect(list[2]!.verdict).toBeUndefined(); // not changed in place
    const outside = withVerdict(local!, 'a.example', 1, 'down-for-everyone');
    expect(outside?.map((e) => e.verdict)).toEqual([undefined, undefined, 'down-for-everyone']);
    expect(withVerdict(outside!, 'a.example', 1, 'down-for-everyone')).toBeUndefined(); // nothing to write
  });

  it('leaves the history alone for an unknown entry', () => {
    expect(withVerdict(list, 'a.example', 2, 'back-up')).toBeUndefined();
    expect(withVerdict(list, 'c.example', 1, 'back-up')).toBeUndefined();
  });
});

describe('how an incident ended', () => {
  const MIN = 60_000;
  const list = [incident('a.example', 9 * MIN), incident('b.example', 5 * MIN), incident('a.example', 1 * MIN)];

  it('marks only the entry of that host and time, once', () => {
    const once = withEnd(list, 'a.example', 1 * MIN, { how: 'came-back', at: 5 * MIN });
    expect(once?.map((e) => e.end)).toEqual([undefined, undefined, { how: 'came-back', at: 5 * MIN }]);
    expect(list[2]!.end).toBeUndefined(); // not changed in place
    expect(withEnd(once!, 'a.example', 1 * MIN, { how: 'gave-up', at: 6 * MIN })).toBeUndefined();
  });

  it('leaves the history alone for an unknown entry or an ending before the incident', () => {
    expect(withEnd(list, 'a.example', 2 * MIN, { how: 'retried', at: 5 * MIN })).toBeUndefined();
    expect(withEnd(list, 'c.example', 1 * MIN, { how: 'retried', at: 5 * MIN })).toBeUndefined();
    expect(withEnd(list, 'a.example', 9 * MIN, { how: 'retried', at: 8 * MIN })).toBeUndefined();
    expect(withEnd(list, 'a.example', 9 * MIN, { how: 'retried', at: Number.NaN })).toBeUndefined();
  });

  it('says how and after how long', () => {
    expect(endingOf(incident('a.example', 0))).toBeUndefined();
    expect(endingOf({ time: 0, end: { how: 'came-back', at: 4 * MIN + 30_000 } })).toEqual({
      key: 'history_end_came_back',
      subs: ['4 min'],
    });
    expect(endingOf({ time: 0, end: { how: 'retried', at: 65 * MIN } })).toEqual({ key: 'history_end_retried', subs: ['1 h 5 min'] });
    expect(endingOf({ time: 0, end: { how: 'gave-up', at: 120 * MIN } })).toEqual({ key: 'history_end_gave_up', subs: ['2 h'] });
  });

  it.each([
    [-1, '<1 min'],
    [Number.NaN, '<1 min'],
    [59_999, '<1 min'],
    [60_000, '1 min'],
    [59 * MIN, '59 min'],
    [60 * MIN, '1 h'],
    [61 * MIN, '1 h 1 min'],
    [24 * 60 * MIN, '1 d'],
    [26 * 60 * MIN + 5 * MIN, '1 d 2 h'],
  ])('%d ms is %s', (ms, text) => expect(shortDuration(ms)).toBe(text));
});
