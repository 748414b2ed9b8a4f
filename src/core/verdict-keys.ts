/** The verdict kinds and confidence levels with their `_locales` keys (core/verdict.ts decides which applies). */
export type VerdictKind =
  'down-for-everyone' | 'partly-down' | 'just-you-connection' | 'just-you-dns' | 'blocked-for-you' | 'back-up' | 'cant-tell';

export type Confidence = 'low' | 'medium' | 'high';

/** `_locales` keys for the verdict headline and the confidence label. */
export const VERDICT_KEYS: Readonly<Record<VerdictKind, string>> = Object.freeze({
  'down-for-everyone': 'verdict_down_for_everyone',
  'partly-down': 'verdict_partly_down',
  'just-you-connection': 'verdict_just_you_connection',
  'just-you-dns': 'verdict_just_you_dns',
  'blocked-for-you': 'verdict_blocked_for_you',
  'back-up': 'verdict_back_up',
  'cant-tell': 'verdict_cant_tell',
});
export const CONFIDENCE_KEYS: Readonly<Record<Confidence, string>> = Object.freeze({
  low: 'confidence_low',
  medium: 'confidence_medium',
  high: 'confidence_high',
});
