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

/** The crowd check's evidence, when it ran (opt-in) and had something to say. */
function saidByCrowd(evidence: readonly Evidence[]): Extract<Evidence, { check: 'crowd' }> | undefined {
  const e = evidence.find((x) => x.check === 'crowd');
  return e?.check === 'crowd' && e.outcome.kind !== 'none' ? e : undefined;
}

/** The crowd's row, or undefined when the check did not run (no opt-in) or had nothing to say. */
export function crowdRow(evidence: readonly Evidence[]): CrowdRow | undefined {
  const e = saidByCrowd(evidence);
  if (!e || e.outcome.kind === 'none') return undefined;
  const { provider, asOf } = e.outcome;
  return { row: e.summary, ...(provider ? { provider } : {}), ...(asOf !== undefined ? { asOf } : {}) };
}

/** How old the answer is ("as of just now"), when known. */
export const crowdRowAge = (row: CrowdRow, now: number): Msg | undefined => (row.asOf !== undefined ? crowdAge(row.asOf, now) : undefined);

/** The short crowd line: what it says, and when the service made the answer (ms). */
export interface CrowdShort {
  words: Msg[];
  asOf?: number;
}

/**
 * The short line under the answer (popup and panel), only when the crowd supports "down for everyone": the counts
 * (the answer names the site already) and a failing platform. "Too few reports" stays in the evidence, where it
 * weighs nothing.
 */
export function crowdShort(evidence: readonly Evidence[]): CrowdShort | undefined {
  const e = saidByCrowd(evidence);
  if (!e || e.outcome.kind === 'none' || e.outcome.weight !== 'supports-everyone') return undefined;
  const [reporters, networks] = e.summary.subs ?? [];
  const words: Msg[] = [
    ...(e.outcome.kind === 'listed' && reporters && networks ? [{ key: 'crowdLine', subs: [reporters, networks] }] : []),
    ...(e.outcome.provider ? [e.outcome.provider] : []),
  ];
  if (words.length === 0) return undefined;
  return { words, ...(e.outcome.asOf !== undefined ? { asOf: e.outcome.asOf } : {}) };
}

/** The short line with its age, as of `now`. */
export function crowdHeadline(evidence: readonly Evidence[], now: number): { words: Msg[]; age?: Msg } | undefined {
  const short = crowdShort(evidence);
  if (!short) return undefined;
  const age = short.asOf !== undefined ? crowdAge(short.asOf, now) : undefined;
  return { words: short.words, ...(age ? { age } : {}) };
}
