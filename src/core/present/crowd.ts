// What the crowd said about an incident, in the one form the popup's line, the popup's evidence and the panel show.
import { crowdAge } from '../crowd/evidence';
import type { Evidence } from '../../model/evidence';
import type { Msg } from '../../model/message-text';

/** The crowd's row, a failing platform's row, and when the service made the answer (ms). */
export interface CrowdRow {
  row: Msg;
  provider?: Msg;
  asOf?: number;
}

/** The crowd's row, or undefined when the check did not run (no opt-in) or had nothing to say. */
export function crowdRow(evidence: readonly Evidence[]): CrowdRow | undefined {
  const e = evidence.find((x) => x.check === 'crowd');
  if (e?.check !== 'crowd' || e.outcome.kind === 'none') return undefined;
  const { provider, asOf } = e.outcome;
  return { row: e.summary, ...(provider ? { provider } : {}), ...(asOf !== undefined ? { asOf } : {}) };
}

/** How old the answer is ("as of just now"), when known. */
export const crowdRowAge = (row: CrowdRow, now: number): Msg | undefined => (row.asOf !== undefined ? crowdAge(row.asOf, now) : undefined);

/**
 * The short line under the popup's answer, only when the crowd supports "down for everyone": the counts (the
 * headline names the site already) and a failing platform. "Too few reports" stays in the evidence, where it weighs
 * nothing.
 */
export function crowdHeadline(evidence: readonly Evidence[], now: number): { words: Msg[]; age?: Msg } | undefined {
  const e = evidence.find((x) => x.check === 'crowd');
  if (e?.check !== 'crowd' || e.outcome.kind === 'none' || e.outcome.weight !== 'supports-everyone') return undefined;
  const [reporters, networks] = e.summary.subs ?? [];
  const words: Msg[] = [
    ...(e.outcome.kind === 'listed' && reporters && networks ? [{ key: 'crowdLine', subs: [reporters, networks] }] : []),
    ...(e.outcome.provider ? [e.outcome.provider] : []),
  ];
  if (words.length === 0) return undefined;
  const age = e.outcome.asOf !== undefined ? crowdAge(e.outcome.asOf, now) : undefined;
  return { words, ...(age ? { age } : {}) };
}
