// The store interface the app talks to: a local SQLite file (node/) or Durable Objects (worker/) behind it.
import type { HostCounts, HostHistory, SignalRow, ViaCounts, ViaRow } from '../src/core/crowd/signal.ts';

/** A counted report as stored: the network only as its keyed hash, never an address. */
export interface StoredReport extends SignalRow {
  prefix: string;
  window: number;
  kind: string;
  status: number | null;
  via: string | null;
}

export interface CrowdStore {
  /** Stores the report unless this reporter already reported this host in its window; true when stored (counted). */
  add(report: StoredReport): Promise<boolean>;
  /** Reports of one prefix at or after `since`. */
  rows(prefix: string, since: number): Promise<SignalRow[]>;
  /** The counts of the hosts of one prefix that the window ending at `now` lists (see SqlStore.hostCounts). */
  hostCounts(prefix: string, now: number): Promise<HostCounts[]>;
  /** Distinct hosts, reporters and networks per platform in the window ending at `now`. */
  viaCounts(now: number): Promise<ViaCounts[]>;
  /** Run starts and the hourly counts of `hours` for these hosts. */
  histories(hostKeys: string[], hours: number[]): Promise<HostHistory[]>;
  /** Reports naming a platform, at or after `since`. */
  viaRows(since: number): Promise<ViaRow[]>;
  /** Deletes raw reports older than 24 h and hourly counts older than the baseline needs. */
  prune(now: number): Promise<void>;
}
