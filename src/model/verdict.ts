import type { Msg } from './message-text';

/**
 * The one set of verdict states: what the diagnosis finds (core/diagnosis/verdict.ts decides which applies).
 * What the visitor reads derives from it, with `outside` and the incident's kind (core/present/verdict-text.ts).
 */
export const VERDICT_KINDS = [
  'down-for-everyone',
  'partly-down',
  'just-you-connection',
  'just-you-dns',
  'blocked-for-you',
  'back-up',
  'cant-tell',
] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

export type Confidence = 'low' | 'medium' | 'high';

export interface Verdict {
  kind: VerdictKind;
  confidence: Confidence;
  /** Summaries of the evidence that led there, most important first. */
  reasons: Msg[];
}

/**
 * How the history stores a verdict (core/present/verdict-text.ts historyVerdictId writes it): a kind with outside
 * evidence keeps its name; without it, four kinds are stored under what the browser itself saw. Not a second set
 * of states: a serialisation of a kind and `outside`, kept as it is so stored history and exports stay as they are.
 */
export const HISTORY_VERDICT_IDS = [...VERDICT_KINDS, 'site-failing', 'your-connection', 'your-dns', 'refuses-you'] as const;
export type HistoryVerdictId = (typeof HISTORY_VERDICT_IDS)[number];
