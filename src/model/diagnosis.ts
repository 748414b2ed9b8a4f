import type { Evidence } from './evidence';
import type { Verdict } from './verdict';

/**
 * A diagnosis in progress or done, as kept in `storage.session` under `diagnosis:<tabId>` (or
 * `diagnosis:site` for "check any site"): the latest evidence per check and the verdict it gives.
 * Memory only: nothing of it is written to disk, so incognito tabs leave no trace.
 */
export interface DiagnosisRecord {
  host: string;
  /** Which incident it is about (its time), so a stale diagnosis is never shown for a new one. */
  incidentTime?: number;
  startedAt: number;
  /** Outside sources that ask about the site could contribute: only then may it say "for everyone" or "just you". */
  outside: boolean;
  evidence: Evidence[];
  verdict: Verdict;
  done: boolean;
}
