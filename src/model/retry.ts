/** One origin's retry schedule as plain data; core/retry/schedule.ts moves it on. */
export interface RetrySchedule {
  origin: string;
  startedAt: number;
  /** The retry that `nextAt` is for: 1 until the first probe fails, then 2, … */
  attempt: number;
  /** When to probe next (epoch ms). Meaningless while paused offline. */
  nextAt: number;
  /** The server's `Retry-After` expressed as a time: nothing automatic probes before it. */
  notBefore: number;
  /** Set while the browser is offline: no probes, and the give-up clock stands still. */
  pausedOfflineSince: number | null;
  /** When to stop trying; `null` means until the visitor stops it. */
  giveUpAt: number | null;
}

/**
 * What a probe's answer means for the tabs waiting on it. The probe sends no cookies, so it sees
 * what an anonymous visitor would see:
 * - `back`: an answer that would show the page (2xx with content, or 304);
 * - `answers`: the server is up but would not show this page to the probe: a redirect (to a
 *   login page, another origin…), 401, 403, 404 and the other 4xx, 204/205, 1xx. The visitor's
 *   own page may or may not work: nothing is reloaded on it, the schedule goes on;
 * - `failing`: no answer, a 5xx, a 429 (the server asks us to wait), or nothing a server sends.
 */
export type ProbeVerdict = 'back' | 'answers' | 'failing';

/**
 * One failing origin's auto-retry, as kept in `storage.session` (see core/retry/stored.ts):
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

/** A checked site the visitor asked to be told about when it is back (see core/retry/watch.ts). */
export interface WatchRecord {
  /** The host as shown to the visitor. */
  host: string;
  /** The page the probes ask: the site's front page. Its origin is `schedule.origin`. */
  url: string;
  schedule: RetrySchedule;
  /** `watching` / `offline`: waiting (paused offline); `back` and `gave-up` end it (`endedAt`). */
  state: 'watching' | 'offline' | 'back' | 'gave-up';
  probes: number;
  lastProbe?: { at: number; status?: number; error?: string; verdict?: ProbeVerdict };
  endedAt?: number;
  /** The "is back" notification was shown. */
  notified?: true;
  /** Asked for in a private window: shown only there, and its notification names no site. */
  private?: true;
}
