// The embedded engine's store: one SQLite file (better-sqlite3) in WAL mode.
// A commit returns once the WAL holds it, so a 202 survives the process being killed (synchronous=NORMAL);
// CROWD_SYNC=full also waits for the disk, for power loss.
import Database from 'better-sqlite3';
import { SqlStore, type Sql, type SqlValue } from '../sql-store.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import type { CrowdStore, StoredReport } from '../store.ts';
import type { HostCounts } from '../../src/core/crowd/signal.ts';

/**
 * Counting a prefix's window costs about a microsecond per report in it (distinct reporters and networks), so a
 * prefix with this many reports in its window (a big outage, or one network flooding a host, listed or not) is
 * counted at most once per HOT_REUSE_MS and the count shared by the reads meanwhile: an answer then lags the
 * reports by under a second, where clients and caches keep it for 15 s anyway. Smaller prefixes are counted on
 * every read, exactly.
 */
export const HOT_PREFIX_REPORTS = 1000;
export const HOT_REUSE_MS = 1000;

export class SqliteStore implements CrowdStore {
  readonly db: Database.Database;
  private readonly store: SqlStore;

  private readonly checkpointer: Checkpointer | undefined;

  /** `checkpointThread`: the WAL is copied back by a thread of its own (the service); else by the committing one (tests, tools). */
  constructor(
    file: string,
    {
      synchronous = 'NORMAL',
      maxPending,
      checkpointThread = false,
    }: { synchronous?: 'NORMAL' | 'FULL'; maxPending?: number; checkpointThread?: boolean } = {},
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    // Reads from memory rather than a syscall per page (the indexes outgrow SQLite's default 2 MB cache within minutes),
    // and the WAL copied back to the file every ~40 MB rather than every 4 MB: each page a checkpoint writes is often
    // dirtied many times between two. A commit is durable in the WAL either way.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 268435456');
    // With the thread, the committing one checkpoints only if the WAL reaches ~400 MB (the thread stopped or lags).
    const threaded = checkpointThread && file !== ':memory:';
    this.db.pragma(`wal_autocheckpoint = ${threaded ? 100_000 : 10_000}`);
    this.checkpointer = threaded ? startCheckpointer(file) : undefined;
    const statements = new Map<string, Database.Statement>();
    const prepared = (query: string): Database.Statement => {
      let statement = statements.get(query);
      if (!statement) statements.set(query, (statement = this.db.prepare(query)));
      return statement;
    };
    const sql: Sql = {
      all: <T>(query: string, ...params: SqlValue[]) => prepared(query).all(...params) as T[],
      run: (query: string, ...params: SqlValue[]) => {
        if (/^\s*CREATE/i.test(query)) this.db.exec(query);
        else prepared(query).run(...params);
      },
      transaction: <T>(fn: () => T): T => (this.db.inTransaction ? fn() : this.db.transaction(fn)()),
    };
    this.store = new SqlStore(sql, maxPending === undefined ? {} : { maxPending });
  }

  private queue: { report: StoredReport; resolve: (counted: boolean) => void; reject: (error: unknown) => void }[] = [];

  /**
   * Group commit: the reports that arrive while the event loop is busy share one transaction, and each
   * promise resolves only after that commit, so a 202 still means stored.
   */
  add(report: StoredReport): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ report, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let results: boolean[];
    try {
      results = this.db.transaction(() => batch.map((item) => this.store.add(item.report)))();
    } catch (error) {
      this.store.forgetPending();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]!));
  }
  rows = async (prefix: string, since: number) => this.store.rows(prefix, since);
  private hot = new Map<string, { at: number; counts: HostCounts[] }>();

  hostCounts = async (prefix: string, now: number): Promise<HostCounts[]> => {
    const known = this.hot.get(prefix);
    if (known && now >= known.at && now - known.at < HOT_REUSE_MS) return known.counts;
    const { counts, reports } = this.store.countWindow(prefix, now);
    if (reports >= HOT_PREFIX_REPORTS) this.hot.set(prefix, { at: now, counts });
    else this.hot.delete(prefix);
    return counts;
  };
  viaCounts = async (now: number) => this.store.viaCounts(now);
  histories = async (hostKeys: string[], hours: number[]) => this.store.histories(hostKeys, hours);
  viaRows = async (since: number) => this.store.viaRows(since);
  prune = async (now: number) => this.store.prune(now);
  nextPruneAt = () => this.store.nextPruneAt();

  /** Stops the checkpoint thread, before {@link close}. */
  async stopCheckpoints(): Promise<void> {
    await this.checkpointer?.stop();
  }

  /** Writes the history still held in memory first, so the next start has none to rebuild. */
  close(): void {
    if (this.db.open) this.store.flushAll();
    this.db.close();
  }
}
