import type { Incident } from '../../model/incident';
import type { Msg } from '../../model/message-text';

export interface BadgeSpec {
  text: string;
  color: string;
  /** Tooltip; its last substitution (the meaning in words) is added by the caller, which can translate. */
  title: Msg;
}

/** A retry record's state; `recovered` and `page-fails` show the plain code (nothing pending). */
export type RetryBadgeState = 'waiting' | 'offline' | 'gave-up' | 'recovered' | 'page-fails' | undefined;

/**
 * Red for a broken site, amber for "temporarily unavailable" (503, soft errors), blue while a retry is pending.
 * AA contrast with white text.
 */
export const BADGE_COLORS = { critical: '#B3261E', warning: '#9A5B00', retrying: '#1A5FB4' } as const;

/** `↻` marks a pending automatic retry; four characters is all a toolbar badge shows. */
export function badgeFor(incident: Incident, retry?: RetryBadgeState): BadgeSpec {
  const code = incident.badge.slice(0, 4);
  const subs = [incident.badge, incident.host];
  if (retry === 'waiting' || retry === 'offline') {
    return {
      text: `↻${code.slice(0, 3)}`,
      color: BADGE_COLORS.retrying,
      title: { key: retry === 'waiting' ? 'badge_title_retrying' : 'badge_title_offline', subs },
    };
  }
  return {
    text: code,
    color: BADGE_COLORS[incident.severity] ?? BADGE_COLORS.critical,
    title: { key: retry === 'gave-up' ? 'badge_title_gave_up' : 'badge_title', subs },
  };
}
