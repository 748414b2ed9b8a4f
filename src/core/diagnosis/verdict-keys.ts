/** The verdict kinds and confidence levels with their `_locales` keys (core/diagnosis/verdict.ts decides which applies). */
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

/**
 * A verdict as it may be said to the visitor: "for everyone" and "just you" need evidence from
 * outside the visitor's own connection. Without it, the same finding is said for what the browser
 * itself saw ("failing on the site's side", "your DNS"…). The history keeps this, not the raw kind.
 */
export type ShownVerdict = VerdictKind | 'site-failing' | 'your-connection' | 'your-dns' | 'refuses-you';

const LOCAL_ONLY: Partial<Record<VerdictKind, ShownVerdict>> = {
  'down-for-everyone': 'site-failing',
  'just-you-connection': 'your-connection',
  'just-you-dns': 'your-dns',
  'blocked-for-you': 'refuses-you',
};

export function shownVerdict(kind: VerdictKind, outside: boolean): ShownVerdict {
  return outside ? kind : (LOCAL_ONLY[kind] ?? kind);
}

/** `_locales` keys for a shown verdict (short labels). */
export const SHOWN_VERDICT_KEYS: Readonly<Record<ShownVerdict, string>> = Object.freeze({
  ...VERDICT_KEYS,
  'site-failing': 'verdict_site_failing',
  'your-connection': 'verdict_your_connection',
  'your-dns': 'verdict_your_dns',
  'refuses-you': 'verdict_refuses_you',
});

/** Every shown verdict, for validating what is read back. */
export const SHOWN_VERDICTS = Object.freeze(Object.keys(SHOWN_VERDICT_KEYS) as ShownVerdict[]);
