import type { ProbeVerdict } from '../core/retry/policy';
import type { RetrySchedule } from '../core/retry/schedule';

/**
 * One failing origin's auto-retry, as kept in `storage.session` (see core/schema/legacy/stored.ts):
 * the schedule, the tabs waiting on it, and what the probes saw. Every tab failing on the same
 * origin shares it, so ten tabs cost one probe each time.
 */
export interface RetryRecord {
  origin: string;
  /** The failing URL the probes request (the first tab's). */
  probeUrl: string;
  tabs: number[];
  schedule: RetrySchedule;
  /**
   * - `waiting` / `offline`: probing (paused while offline);
   * - `gave-up`: the give-up time passed;
   * - `recovered`: a probe found the site back and the tabs were loaded again; kept for
   *   `RELAPSE_WINDOW_MS` so a tab failing again continues this schedule (`tabs` is empty);
   * - `page-fails`: the site answers other visitors (the probe), but the visitor's page failed
   *   again after `MAX_RECOVERIES` recoveries: nothing is reloaded any more.
   */
  state: 'waiting' | 'offline' | 'gave-up' | 'recovered' | 'page-fails';
  /** Probes sent so far. */
  probes: number;
  lastProbe?: { at: number; status?: number; error?: string; redirect?: boolean; verdict?: ProbeVerdict };
  /** Recoveries that reloaded this origin's tabs in this chain of failures (absent: none). */
  recoveries?: number;
  /** When the latest recovery happened. */
  recoveredAt?: number;
}

/** Set when Downcheck brought a tab back; read by the popup ("back after 4 min"). */
export interface Recovery {
  url: string;
  host: string;
  at: number;
  downSince: number;
  probes: number;
}
