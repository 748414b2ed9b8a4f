import type { RetrySchedule } from '../core/retry-schedule';

/**
 * One failing origin's auto-retry, as kept in `storage.session` (see core/stored.ts):
 * the schedule, the tabs waiting on it, and what the probes saw. Every tab failing on the same
 * origin shares it, so ten tabs cost one probe each time.
 */
export interface RetryRecord {
  origin: string;
  /** The failing URL the probes request (the first tab's). */
  probeUrl: string;
  tabs: number[];
  schedule: RetrySchedule;
  state: 'waiting' | 'offline' | 'gave-up';
  /** Probes sent so far. */
  probes: number;
  lastProbe?: { at: number; status?: number; error?: string };
}

/** Set when Downcheck brought a tab back; read by the popup ("back after 4 min"). */
export interface Recovery {
  url: string;
  host: string;
  at: number;
  downSince: number;
  probes: number;
}
