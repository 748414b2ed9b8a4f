// The embedded engine's store: one SQLite file (better-sqlite3) in WAL mode.
// A commit returns once the WAL holds it, so a 202 survives the process being killed (synchronous=NORMAL);
// CROWD_SYNC=full also waits for the disk, for power loss.
import Database from 'better-sqlite3';
import { SqlStore, type Sql, type SqlValue } from '../sql-store.ts';
import type { CrowdStore, StoredReport } from '../store.ts';

export class SqliteStore implements CrowdStore {
  readonly db: Database.Database;
  private readonly store: SqlStore;

  constructor(file: string, { synchronous = 'NORMAL' }: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
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
    this.store = new SqlStore(sql);
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
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]!));
  }
  rows = async (prefix: string, since: number) => this.store.rows(prefix, since);
  hostCounts = async (prefix: string, now: number) => this.store.hostCounts(prefix, now);
  viaCounts = async (now: number) => this.store.viaCounts(now);
  histories = async (hostKeys: string[], hours: number[]) => this.store.histories(hostKeys, hours);
  viaRows = async (since: number) => this.store.viaRows(since);
  prune = async (now: number) => this.store.prune(now);
  nextPruneAt = () => this.store.nextPruneAt();

  close(): void {
    this.db.close();
  }
}
