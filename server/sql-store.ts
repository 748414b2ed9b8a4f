// The store's SQL, written once for both engines: better-sqlite3 (node/) and a Durable Object's SQLite (worker/).
// Both APIs are synchronous, so one class runs the same statements inside one transaction per report.
import {
  HISTORY_WEEKS,
  HOUR_MS,
  HOURS_PER_WEEK,
  hourOf,
  joinRuns,
  pruneLimits,
  RAW_RETENTION_MS,
  isListed,
  needsBefore,
  nextRunStart,
  STEP_MS,
  WINDOW_MS,
  type Distinct,
  type HostCounts,
  type HostHistory,
  type LaterRun,
  type Run,
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
  // last_count: how many of the host's reports at last_at its written history holds (null: all of them).
  `CREATE TABLE IF NOT EXISTS hosts (host_key TEXT PRIMARY KEY, run_start INTEGER NOT NULL, last_at INTEGER NOT NULL,
     last_count INTEGER) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS hourly (host_key TEXT NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (host_key, hour)) WITHOUT ROWID`,
  // `history` = 1 once this store keeps per-host history (every Node store; on Workers the prefix objects only).
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`,
];

/** What a host's reports since its history was last written add to it, held in memory (see {@link SqlStore}). */
interface Pending extends LaterRun {
  hours: Map<number, number>;
  /** How many of the pending reports came at lastAt. */
  atLast: number;
}

/** A host's pending history is written once its first report is this old... */
export const PENDING_FLUSH_AGE_MS = HOUR_MS;
/** ...or at once, oldest first, while more hosts than this are pending (bounded memory). */
export const PENDING_MAX_HOSTS = 100_000;
/** At most this many hosts' history is written per report, so writing it never stalls a request. */
const FLUSH_PER_REPORT = 4;

/**
 * The reports are written as they come, each in the transaction that answers it. The per-host history the baseline
 * and `since` read (run starts in `hosts`, counts in `hourly`) is derived from them, so it is gathered in memory per
 * host and written once an hour instead of twice per report (that was 45 % of a report's cost): reads join the
 * written part and the pending part, so they stay exact. Pending history is rebuilt from the reports (kept 24 h) when
 * a store opens, so a killed process or an evicted Durable Object loses none of it.
 */
export class SqlStore {
  /** Null until first needed, and after a failed write (then rebuilt from what the database holds). */
  private pending: Map<string, Pending> | null = null;
  private keepsHistory: boolean;

  private readonly maxPending: number;

  constructor(
    private readonly sql: Sql,
    { maxPending = PENDING_MAX_HOSTS }: { maxPending?: number } = {},
  ) {
    this.maxPending = maxPending;
    for (const statement of SCHEMA) sql.run(statement);
    // A hosts table from before last_count: its rows hold all of their reports (null), as that version wrote them.
    try {
      sql.all('SELECT last_count FROM hosts LIMIT 0');
    } catch {
      sql.run('ALTER TABLE hosts ADD COLUMN last_count INTEGER');
    }
    this.keepsHistory = sql.all<{ value: number }>("SELECT value FROM meta WHERE key = 'history'").length > 0;
  }

  /** `withHistory: false` for the per-platform objects on Workers, which keep only the raw reports. */
  add(r: StoredReport, withHistory = true): boolean {
    try {
      return this.sql.transaction(() => {
        // Rebuilt (when it must be) before this report is stored, which must not be counted twice.
        const pending = withHistory ? this.pendingHistory() : null;
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
        if (!pending) return true;
        if (!this.keepsHistory) {
          this.sql.run("INSERT INTO meta (key, value) VALUES ('history', 1) ON CONFLICT (key) DO NOTHING");
          this.keepsHistory = true;
        }
        note(pending, r.hostKey, r.at);
        this.flush(pending, r.at, FLUSH_PER_REPORT);
        return true;
      });
    } catch (error) {
      this.forgetPending();
      throw error;
    }
  }

  /** Drops the history held in memory, to be rebuilt from the database: after a transaction that did not commit. */
  forgetPending(): void {
    this.pending = null;
  }

  /** The pending history, rebuilt on first use from the reports newer than their host's written history. */
  private pendingHistory(): Map<string, Pending> {
    if (this.pending) return this.pending;
    const pending = new Map<string, Pending>();
    if (this.keepsHistory) {
      // Reports in the same millisecond are alike to the history: of those at a host's last_at, the first
      // last_count are the written ones.
      const unwritten = this.sql.all<{ hostKey: string; at: number; lastAt: number | null; lastCount: number | null }>(
        `SELECT r.host_key AS hostKey, r.at AS at, h.last_at AS lastAt, h.last_count AS lastCount
           FROM reports r LEFT JOIN hosts h ON h.host_key = r.host_key
           WHERE h.last_at IS NULL OR r.at > h.last_at OR (r.at = h.last_at AND h.last_count IS NOT NULL) ORDER BY r.at`,
      );
      const skipped = new Map<string, number>();
      for (const { hostKey, at, lastAt, lastCount } of unwritten) {
        if (at === lastAt && lastCount !== null) {
          const n = skipped.get(hostKey) ?? 0;
          skipped.set(hostKey, n + 1);
          if (n < lastCount) continue;
        }
        note(pending, hostKey, at);
      }
    }
    return (this.pending = pending);
  }

  /**
   * Writes the history of hosts whose first pending report is at least PENDING_FLUSH_AGE_MS old (all of them with
   * `limit` Infinity), or the oldest while too many hosts are pending. Counts add up, so a report that comes after
   * its host was written is simply written with the next part.
   */
  private flush(pending: Map<string, Pending>, now: number, limit: number): void {
    let written = 0;
    for (const [hostKey, p] of pending) {
      if (written >= limit) break;
      if (p.firstAt > now - PENDING_FLUSH_AGE_MS && pending.size <= this.maxPending) break;
      const row = this.writtenRun(hostKey);
      const run = joinRuns(row, p);
      const lastCount = lastCountAfter(row, p);
      this.sql.run(
        `INSERT INTO hosts (host_key, run_start, last_at, last_count) VALUES (?, ?, ?, ?)
           ON CONFLICT (host_key) DO UPDATE SET run_start = excluded.run_start, last_at = excluded.last_at,
             last_count = excluded.last_count`,
        hostKey,
        run.runStart,
        run.lastAt,
        lastCount,
      );
      for (const [hour, count] of p.hours)
        this.sql.run(
          'INSERT INTO hourly (host_key, hour, count) VALUES (?, ?, ?) ON CONFLICT (host_key, hour) DO UPDATE SET count = count + excluded.count',
          hostKey,
          hour,
          count,
        );
      pending.delete(hostKey);
      written += 1;
    }
  }

  /** The host's written history: its run and how many of its reports at last_at that holds. */
  private writtenRun(hostKey: string): (Run & { lastCount: number | null }) | undefined {
    const [row] = this.sql.all<Run & { lastCount: number | null }>(
      'SELECT run_start AS runStart, last_at AS lastAt, last_count AS lastCount FROM hosts WHERE host_key = ?',
      hostKey,
    );
    return row;
  }

  /** Writes all pending history (a clean shutdown), so the next start has nothing to rebuild. */
  flushAll(): void {
    if (!this.keepsHistory || !this.pending) return;
    try {
      this.sql.transaction(() => this.flush(this.pendingHistory(), Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY));
    } catch (error) {
      this.forgetPending();
      throw error;
    }
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
    return this.countWindow(prefix, now).counts;
  }

  /** {@link hostCounts}, and how many reports of the window it went through, listed or not (what it cost). */
  countWindow(prefix: string, now: number): { counts: HostCounts[]; reports: number } {
    const window = (end: number) =>
      this.sql.all<Distinct & { hostKey: string; first: number; n: number }>(
        `SELECT host_key AS hostKey, count(DISTINCT reporter) AS reporters, count(DISTINCT network) AS networks, min(at) AS first,
           count(*) AS n FROM reports WHERE prefix = ? AND at > ? AND at <= ? GROUP BY host_key`,
        prefix,
        end - WINDOW_MS,
        end,
      );
    const all = window(now);
    const reports = all.reduce((sum, d) => sum + d.n, 0);
    const current = all.filter(isListed).map(({ n: _n, ...c }) => c);
    if (!current.some(needsBefore)) return { counts: current, reports };
    const before = new Map(window(now - STEP_MS).map((d) => [d.hostKey, d]));
    const counts = current.map((c) => {
      if (!needsBefore(c)) return c;
      const b = before.get(c.hostKey);
      return { ...c, before: { reporters: b?.reporters ?? 0, networks: b?.networks ?? 0 } };
    });
    return { counts, reports };
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
    const pending = this.pendingHistory();
    return hostKeys.map((hostKey) => {
      const row = this.writtenRun(hostKey);
      const p = pending.get(hostKey);
      const counts: Record<number, number> = {};
      for (const hour of hours) {
        const [written] = this.sql.all<{ count: number }>('SELECT count FROM hourly WHERE host_key = ? AND hour = ?', hostKey, hour);
        const count = (written?.count ?? 0) + (p?.hours.get(hour) ?? 0);
        if (count > 0) counts[hour] = count;
      }
      const run = p ? joinRuns(row, p) : row;
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
    try {
      this.sql.transaction(() => {
        // The history of reports about to go is written first (after a long stop, more than the hourly share).
        if (this.keepsHistory) this.flush(this.pendingHistory(), rawBefore + PENDING_FLUSH_AGE_MS, Number.POSITIVE_INFINITY);
        this.sql.run('DELETE FROM reports WHERE at < ?', rawBefore);
        this.sql.run('DELETE FROM hosts WHERE last_at < ?', rawBefore);
        this.sql.run('DELETE FROM hourly WHERE hour < ?', hourlyBefore);
      });
    } catch (error) {
      this.forgetPending();
      throw error;
    }
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

/** Adds one report to its host's pending history, as {@link nextRunStart} would to a kept run. */
function note(pending: Map<string, Pending>, hostKey: string, at: number): void {
  const hour = hourOf(at);
  const p = pending.get(hostKey);
  if (!p) {
    pending.set(hostKey, { firstAt: at, runStart: at, lastAt: at, atLast: 1, hours: new Map([[hour, 1]]) });
    return;
  }
  p.runStart = nextRunStart(p, at);
  if (at === p.lastAt) p.atLast += 1;
  else if (at > p.lastAt) [p.lastAt, p.atLast] = [at, 1];
  p.hours.set(hour, (p.hours.get(hour) ?? 0) + 1);
}

/** The written history's count of reports at its last_at, once `p` is written over `row`. */
function lastCountAfter(row: { lastAt: number; lastCount: number | null } | undefined, p: Pending): number | null {
  if (!row || p.lastAt > row.lastAt) return p.atLast;
  if (p.lastAt < row.lastAt) return row.lastCount;
  return row.lastCount === null ? null : row.lastCount + p.atLast;
}
