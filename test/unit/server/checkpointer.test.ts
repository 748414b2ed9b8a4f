// The Node store's WAL is copied back into the database file by a thread of its own, so the request thread never
// stalls on a checkpoint; without the thread, SQLite's automatic checkpoint (every ~40 MB) does it on a commit.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/node/sqlite-store';
import { startCrowdProcess } from '../../../scripts/crowd-process.mjs';
import type { StoredReport } from '../../../server/store';
import { windowOf } from '../../../src/core/crowd/signal';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const report = (i: number): StoredReport => {
  const hostKey = (i % 5000).toString(16).padStart(64, 'a');
  return {
    hostKey,
    prefix: hostKey.slice(0, 3),
    reporter: i.toString(16).padStart(32, '0'),
    network: `net${i % 7}`,
    window: windowOf(T0 + i),
    kind: 'http5xx',
    status: 502,
    via: null,
    at: T0 + i,
  };
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes 3,000 reports, then gives the database file's size after `waitMs` (the WAL is not counted). */
async function fileSizeAfterWrites(checkpointThread: boolean, waitMs: number): Promise<{ file: string; size: number; store: SqliteStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'downcheck-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'crowd.sqlite');
  const store = new SqliteStore(file, { checkpointThread });
  const before = statSync(file).size;
  await Promise.all(Array.from({ length: 3000 }, (_, i) => store.add(report(i))));
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && statSync(file).size <= before) await new Promise((r) => setTimeout(r, 100));
  return { file, size: statSync(file).size - before, store };
}

describe('the checkpoint thread', () => {
  it('copies committed reports into the database file while the service runs, and stops with it', { timeout: 15_000 }, async () => {
    const { file, size, store } = await fileSizeAfterWrites(true, 5000);
    expect(size).toBeGreaterThan(100_000); // the reports' pages, no longer only in the WAL
    await store.stopCheckpoints();
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM reports').get()).toEqual({ n: 3000 });
    db.close();
  });

  it('without it (tests, tools) the commits stay in the WAL until SQLite’s own checkpoint', async () => {
    const { size, store } = await fileSizeAfterWrites(false, 1500);
    expect(size).toBe(0);
    store.close();
  });

  it('the service stopped cleanly (SIGTERM) still writes what it held in memory before it exits', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'downcheck-checkpoint-'));
    dirs.push(dir);
    const file = join(dir, 'crowd.sqlite');
    const crowd = startCrowdProcess({ CROWD_PORT: '0', CROWD_DB: file, CROWD_RATE_LIMIT: '0' });
    const url = await crowd.url;
    const body = JSON.stringify({ v: 1, hostKey: 'ab'.repeat(32), reporter: 'cd'.repeat(16), kind: 'http5xx', status: 502 });
    const response = await fetch(`${url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(202);
    await crowd.stop();
    expect(crowd.child.exitCode).toBe(0);
    // The host's history (held in memory for an hour) was written by the clean stop, after the thread stopped.
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM hosts').get()).toEqual({ n: 1 });
    db.close();
  });
});
