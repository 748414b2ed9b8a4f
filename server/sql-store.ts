// The store's SQL, written once for both engines: better-sqlite3 (node/) and a Durable Object's SQLite (worker/).
// Both APIs are synchronous, so one class runs the same statements inside one transaction per report.
import {
  HISTORY_WEEKS,
  HOUR_MS,
  HOURS_PER_WEEK,
  pruneLimits,
  RAW_RETENTION_MS,
  isListed,
  needsBefore,
  STEP_MS,
  WINDOW_MS,
  type Distinct,
  type HostCounts,
  type HostHistory,
  type SignalRow,
  type ViaCounts,
  type ViaRow,
} from '../src/core/crowd/signal.ts';
import { PLATFORMS } from '../src/core/crowd/report.ts';
import type { StoredReport } from './store.ts';

export type SqlValue = string | number | null;
export interface Sql {
  all<T>(query: string, ...params: SqlValue[]): T[];
  run(query: string, ...params: SqlValue[]): void;
  transaction<T>(fn: () => T): T;
}

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS reports (host_key TEXT NOT NULL, reporter TEXT NOT NULL, win INTEGER NOT NULL,
     prefix TEXT NOT NULL, network TEXT NOT NULL, kind TEXT NOT NULL, status INTEGER, via TEXT, at INTEGER NOT NULL,
     PRIMARY KEY (host_key, reporter, win)) WITHOUT ROWID`,
  // Covering indexes (a WITHOUT ROWID index also holds the key: host_key, reporter, win), so reads count in SQLite.
  `DROP INDEX IF EXISTS reports_prefix_at`,
  `DROP INDEX IF EXISTS reports_via_at`,
  `CREATE INDEX IF NOT EXISTS reports_prefix_at_network ON reports (prefix, at, network)`,
  `CREATE INDEX IF NOT EXISTS reports_via_at_network ON reports (via, at, network) WHERE via IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS reports_at ON reports (at)`,
  `CREATE TABLE IF NOT EXISTS hosts (host_key TEXT PRIMARY KEY, run_start INTEGER NOT NULL, last_at INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS hourly (host_key TEXT NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (host_key, hour)) WITHOUT ROWID`,
];

export class SqlStore {
  constructor(private readonly sql: Sql) {
    for (const statement of SCHEMA) sql.run(statement);
  }

  /** `withHistory: false` for the per-platform objects on Workers, which keep only the raw reports. */
  add(r: StoredReport, withHistory = true): boolean {
    return this.sql.transaction(() => {
      // One statement both checks and stores: RETURNING yields a row only when the report was new.
      const stored = this.sql.all(
        `INSERT INTO reports (host_key, reporter, win, prefix, network, kind, status, via, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (host_key, reporter, win) DO NOTHING RETURNING 1 AS x`,
        r.hostKey,
        r.reporter,
        r.window,
        r.prefix,
        r.network,
        r.kind,
        r.status,
        r.via,
        r.at,
      );
      if (stored.length === 0) return false;
      if (!withHistory) return true;
      // nextRunStart (src/core/crowd/signal.ts) in the upsert itself: a gap of a whole window starts a new run.
      this.sql.run(
        `INSERT INTO hosts (host_key, run_start, last_at) VALUES (?, ?, ?)
           ON CONFLICT (host_key) DO UPDATE SET
             run_start = CASE WHEN excluded.last_at - hosts.last_at < ? THEN hosts.run_start ELSE excluded.run_start END,
             last_at = max(hosts.last_at, excluded.last_at)`,
        r.hostKey,
        r.at,
        r.at,
        WINDOW_MS,
      );
      this.sql.run(
        'INSERT INTO hourly (host_key, hour, count) VALUES (?, ?, 1) ON CONFLICT (host_key, hour) DO UPDATE SET count = count + 1',
        r.hostKey,
        Math.floor(r.at / HOUR_MS),
      );
      return true;
    });
  }

  rows(prefix: string, since: number): SignalRow[] {
    return this.sql.all<SignalRow>(
      'SELECT host_key AS hostKey, reporter, network, at FROM reports WHERE prefix = ? AND at >= ?',
      prefix,
      since,
    );
  }

  /**
   * The counts a bucket needs, aggregated in SQL over the covering index instead of handing every raw report of
   * the window to JavaScript: distinct reporters and networks in (now - 10 min, now], and a step before when needed.
   */
  hostCounts(prefix: string, now: number): HostCounts[] {
    const window = (end: number) =>
      this.sql.all<Distinct & { hostKey: string; first: number }>(
        `SELECT host_key AS hostKey, count(DISTINCT reporter) AS reporters, count(DISTINCT network) AS networks, min(at) AS first
           FROM reports WHERE prefix = ? AND at > ? AND at <= ? GROUP BY host_key`,
        prefix,
        end - WINDOW_MS,
        end,
      );
    const current = window(now).filter(isListed);
    if (!current.some(needsBefore)) return current;
    const before = new Map(window(now - STEP_MS).map((d) => [d.hostKey, d]));
    return current.map((c) => {
      if (!needsBefore(c)) return c;
      const b = before.get(c.hostKey);
      return { ...c, before: { reporters: b?.reporters ?? 0, networks: b?.networks ?? 0 } };
    });
  }

  /** Distinct hosts, reporters and networks per platform in (now - 10 min, now], counted in SQL one platform at a time. */
  viaCounts(now: number): ViaCounts[] {
    // One indexed range per platform: with `via IS NOT NULL` SQLite would scan every platform's last 24 h.
    return PLATFORMS.flatMap((via) =>
      this.sql.all<ViaCounts>(
        `SELECT via, count(DISTINCT host_key) AS hosts, count(DISTINCT reporter) AS reporters, count(DISTINCT network) AS networks
           FROM reports WHERE via = ? AND at > ? AND at <= ? GROUP BY via`,
        via,
        now - WINDOW_MS,
        now,
      ),
    );
  }

  histories(hostKeys: string[], hours: number[]): HostHistory[] {
    return hostKeys.map((hostKey) => {
      const [run] = this.sql.all<{ runStart: number }>('SELECT run_start AS runStart FROM hosts WHERE host_key = ?', hostKey);
      const counts: Record<number, number> = {};
      for (const hour of hours) {
        const [row] = this.sql.all<{ count: number }>('SELECT count FROM hourly WHERE host_key = ? AND hour = ?', hostKey, hour);
        if (row) counts[hour] = row.count;
      }
      return { hostKey, runStart: run?.runStart ?? Number.POSITIVE_INFINITY, counts };
    });
  }

  viaRows(since: number): ViaRow[] {
    return this.sql.all<ViaRow>(
      'SELECT via, host_key AS hostKey, reporter, network, at FROM reports WHERE via IS NOT NULL AND at >= ?',
      since,
    );
  }

  prune(now: number): void {
    const { rawBefore, hourlyBefore } = pruneLimits(now);
    this.sql.transaction(() => {
      this.sql.run('DELETE FROM reports WHERE at < ?', rawBefore);
      this.sql.run('DELETE FROM hosts WHERE last_at < ?', rawBefore);
      this.sql.run('DELETE FROM hourly WHERE hour < ?', hourlyBefore);
    });
  }

  /** When the oldest thing kept falls due (a Durable Object sets its alarm then), or null when nothing is kept. */
  nextPruneAt(): number | null {
    const [report] = this.sql.all<{ at: number | null }>('SELECT min(at) AS at FROM reports');
    if (report?.at != null) return report.at + RAW_RETENTION_MS + 1;
    const [count] = this.sql.all<{ hour: number | null }>('SELECT min(hour) AS hour FROM hourly');
    if (count?.hour != null) return (count.hour + HISTORY_WEEKS * HOURS_PER_WEEK + 1) * HOUR_MS;
    return null;
  }
}
