import type { Incident, Msg } from '../shared/incident';

export interface BadgeSpec {
  text: string;
  color: string;
  /** Tooltip: `badge_title` with the badge text, the meaning's key resolved by the caller, and the host. */
  title: Msg;
}

/** Red for a broken site, amber for "temporarily unavailable" (503, soft errors). AA contrast with white text. */
export const BADGE_COLORS = { critical: '#B3261E', warning: '#9A5B00' } as const;

export function badgeFor(incident: Incident): BadgeSpec {
  return {
    text: incident.badge.slice(0, 4),
    color: BADGE_COLORS[incident.severity] ?? BADGE_COLORS.critical,
    title: { key: 'badge_title', subs: [incident.badge, incident.host] },
  };
}
