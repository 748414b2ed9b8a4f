// The store's SQL (shared by both engines) on an in-memory SQLite, driven with simulated time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HOT_PREFIX_REPORTS, HOT_REUSE_MS, SqliteStore } from '../../../server/node/sqlite-store';
import type { StoredReport } from '../../../server/store';
import {
  bucketHosts,
  candidateHosts,
  DAY_MS,
  historyHours,
  HOUR_MS,
  MINUTE_MS,
  READ_SPAN_MS,
  windowOf,
} from '../../../src/core/crowd/signal';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const key = (n: number) => `abc${n.toString(16).padStart(61, '0')}`;
const row = (hostKey: string, reporter: number, at: number, via: string | null = null): StoredReport => ({
  hostKey,
  prefix: hostKey.slice(0, 3),
  reporter: reporter.toString(16).padStart(32, '0'),
  network: `net${reporter % 3}`,
  window: windowOf(at),
  kind: 'http5xx',
  status: 502,
  via,
  at,
});

let store: SqliteStore;
afterEach(() => store?.close());

describe('SqlStore', () => {
  it('stores one report per reporter, host and 10-minute window', async () => {
    store = new SqliteStore(':memory:');
    expect(await store.add(row(key(1), 1, T0))).toBe(true);
    expect(await store.add(row(key(1), 1, T0 + 9 * MINUTE_MS))).toBe(false);
    expect(await store.add(row(key(1), 1, T0 + 10 * MINUTE_MS))).toBe(true);
    expect(await store.add(row(key(2), 1, T0))).toBe(true);
    expect((await store.rows('abc', T0)).length).toBe(3);
  });

  it('keeps hourly counts and run starts, which give the bucket its ratio and since', async () => {
    store = new SqliteStore(':memory:');
    const weekAgo = T0 - 7 * DAY_MS;
    for (let r = 0; r < 4; r += 1) await store.add(row(key(1), 100 + r, weekAgo + r * MINUTE_MS));
    for (let r = 0; r < 20; r += 1) await store.add(row(key(1), r, T0 - 20 * MINUTE_MS + r * MINUTE_MS));
    const now = T0;
    const rows = await store.rows('abc', now - READ_SPAN_MS);
    const histories = await store.histories(candidateHosts(rows, now), historyHours(now));
    const [host] = bucketHosts(rows, histories, now);
    // The run began 20 minutes ago (a report a minute); the last hour holds 20 against 4 a week ago.
    expect(host!.since).toBe(new Date(T0 - 20 * MINUTE_MS).toISOString());
    expect(host!.ratio).toBe(5);
  });

  it('a gap of a whole window starts a new run: since is the new run’s start, not the old one’s', async () => {
    store = new SqliteStore(':memory:');
    await store.add(row(key(1), 50, T0 - 25 * MINUTE_MS));
    await store.add(row(key(1), 51, T0 - 14 * MINUTE_MS)); // 11 minutes later: a new run
    for (let r = 0; r < 6; r += 1) await store.add(row(key(1), r, T0 - 9 * MINUTE_MS + r * MINUTE_MS));
    const rows = await store.rows('abc', T0 - READ_SPAN_MS);
    const [host] = bucketHosts(rows, await store.histories(candidateHosts(rows, T0), historyHours(T0)), T0);
    expect(host!.since).toBe(new Date(T0 - 14 * MINUTE_MS).toISOString());
  });

  it('prunes raw reports after 24 h, keeps the hourly counts the baseline reads, drops older ones', async () => {
    store = new SqliteStore(':memory:');
    await store.add(row(key(1), 1, T0 - 5 * 7 * DAY_MS, 'fastly'));
    await store.add(row(key(1), 2, T0 - 25 * HOUR_MS, 'fastly'));
    await store.add(row(key(1), 3, T0 - 23 * HOUR_MS, 'fastly'));
    await store.prune(T0);
    expect((await store.rows('abc', 0)).map((r) => r.reporter)).toEqual([(3).toString(16).padStart(32, '0')]);
    expect((await store.viaRows(0)).length).toBe(1);
    const hours = [T0 - 5 * 7 * DAY_MS, T0 - 25 * HOUR_MS, T0 - 23 * HOUR_MS].map((at) => Math.floor(at / HOUR_MS));
    const [history] = await store.histories([key(1)], hours);
    expect(history!.counts).toEqual({ [hours[1]!]: 1, [hours[2]!]: 1 });
  });

  it('writes a host’s history once its first pending report is an hour old, and loses none of it to a kill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'downcheck-store-'));
    const file = join(dir, 'crowd.sqlite');
    const written = () => store.db.prepare('SELECT host_key AS hostKey, hour, count FROM hourly ORDER BY host_key, hour').all();
    try {
      store = new SqliteStore(file);
      await store.add(row(key(1), 1, T0));
      await store.add(row(key(2), 2, T0 + MINUTE_MS));
      await store.add(row(key(1), 3, T0 + 2 * MINUTE_MS));
      expect(written()).toEqual([]); // per report, nothing but the report is written
      await store.add(row(key(2), 4, T0 + HOUR_MS));
      // key(1)'s first pending report is now an hour old: its two reports are written; key(2) is still pending.
      expect(written()).toEqual([{ hostKey: key(1), hour: Math.floor(T0 / HOUR_MS), count: 2 }]);
      const hours = historyHours(T0 + HOUR_MS);
      const before = await store.histories([key(1), key(2)], hours);
      expect(before.map((h) => h.counts)).toEqual([{ [hours[1]!]: 2 }, { [hours[1]!]: 1, [hours[0]!]: 1 }]);
      expect(before.map((h) => h.runStart)).toEqual([T0, T0 + HOUR_MS]); // key(2): a gap of 59 minutes, a new run

      const killed = store; // not closed: a second store on the file is what a restart after kill -9 finds
      store = new SqliteStore(file);
      expect(await store.histories([key(1), key(2)], hours)).toEqual(before);
      killed.db.close();
      store.close(); // a clean stop writes what is pending
      store = new SqliteStore(file);
      expect(written()).toHaveLength(3);
      expect(await store.histories([key(1), key(2)], hours)).toEqual(before);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a database whose hosts table predates last_count, and treats its rows as holding all their reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'downcheck-store-'));
    const file = join(dir, 'crowd.sqlite');
    try {
      store = new SqliteStore(file);
      await store.add(row(key(1), 1, T0));
      store.close();
      const old = new Database(file);
      old.exec('CREATE TABLE h2 (host_key TEXT PRIMARY KEY, run_start INTEGER NOT NULL, last_at INTEGER NOT NULL) WITHOUT ROWID');
      old.exec('INSERT INTO h2 SELECT host_key, run_start, last_at FROM hosts; DROP TABLE hosts; ALTER TABLE h2 RENAME TO hosts');
      old.close();
      store = new SqliteStore(file);
      await store.add(row(key(1), 2, T0 + MINUTE_MS));
      const [history] = await store.histories([key(1)], [Math.floor(T0 / HOUR_MS)]);
      expect(history).toEqual({ hostKey: key(1), runStart: T0, counts: { [Math.floor(T0 / HOUR_MS)]: 2 } });
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds at most maxPending hosts in memory: the oldest is written first', async () => {
    store = new SqliteStore(':memory:', { maxPending: 2 });
    for (let n = 1; n <= 3; n += 1) await store.add(row(key(n), n, T0 + n));
    const hosts = store.db.prepare('SELECT host_key AS hostKey FROM hosts').all();
    expect(hosts).toEqual([{ hostKey: key(1) }]);
  });

  it('knows when the oldest thing kept falls due: a report at 24 h, then an hourly count after 4 weeks', async () => {
    store = new SqliteStore(':memory:');
    expect(store.nextPruneAt()).toBeNull();
    await store.add(row(key(1), 1, T0));
    expect(store.nextPruneAt()).toBe(T0 + DAY_MS + 1);
    await store.prune(T0 + DAY_MS + 1);
    expect((await store.rows('abc', 0)).length).toBe(0);
    expect(store.nextPruneAt()).toBe((Math.floor(T0 / HOUR_MS) + 4 * 168 + 1) * HOUR_MS);
    await store.prune(store.nextPruneAt()!);
    expect(store.nextPruneAt()).toBeNull();
  });

  it('counts a small prefix exactly on every read, a hot one at most once a second', async () => {
    store = new SqliteStore(':memory:');
    const reporters = async (prefixKey: string, now: number) =>
      (await store.hostCounts('abc', now)).find((c) => c.hostKey === prefixKey)?.reporters;
    for (let r = 0; r < 5; r += 1) await store.add(row(key(1), r, T0 - MINUTE_MS));
    expect(await reporters(key(1), T0)).toBe(5);
    await store.add(row(key(1), 5, T0 - MINUTE_MS));
    expect(await reporters(key(1), T0)).toBe(6); // same instant, one more report: seen at once

    for (let r = 0; r < HOT_PREFIX_REPORTS; r += 1) await store.add(row(key(2), r, T0 - 2 * MINUTE_MS));
    expect(await reporters(key(2), T0)).toBe(HOT_PREFIX_REPORTS);
    await store.add(row(key(2), HOT_PREFIX_REPORTS, T0 - MINUTE_MS));
    expect(await reporters(key(2), T0 + HOT_REUSE_MS - 1)).toBe(HOT_PREFIX_REPORTS); // shared for under a second
    expect(await reporters(key(2), T0 + HOT_REUSE_MS)).toBe(HOT_PREFIX_REPORTS + 1);
    expect(await reporters(key(2), T0 - 1)).toBe(HOT_PREFIX_REPORTS + 1); // a clock set back is counted again
  });

  it('counts a prefix flooded from one network (a host it does not list) at most once a second too', async () => {
    store = new SqliteStore(':memory:');
    const flood = (r: number): StoredReport => ({ ...row(key(3), r, T0 - MINUTE_MS), network: 'one-network' });
    for (let r = 0; r < HOT_PREFIX_REPORTS; r += 1) await store.add(flood(r));
    for (let r = 0; r < 5; r += 1) await store.add(row(key(1), r, T0 - MINUTE_MS));
    const listed = async (now: number) => (await store.hostCounts('abc', now)).map((c) => [c.hostKey, c.reporters]);
    expect(await listed(T0)).toEqual([[key(1), 5]]); // the flooded host is not listed: one network
    await store.add(row(key(1), 5, T0 - MINUTE_MS));
    expect(await listed(T0 + HOT_REUSE_MS - 1)).toEqual([[key(1), 5]]); // shared: the flood made the prefix hot
    expect(await listed(T0 + HOT_REUSE_MS)).toEqual([[key(1), 6]]);
  });
});
