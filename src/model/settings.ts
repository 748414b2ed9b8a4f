/** The visitor's settings (core/settings/settings.ts validates them on every read). */
export interface Settings {
  /** Retry failed pages by themselves (default on). */
  autoRetry: boolean;
  /** Give up after this many minutes; `null` = until I stop it. */
  giveUpMinutes: number | null;
  /** Hosts always auto-retried even when auto-retry is off. */
  alwaysRetry: string[];
  /** Hosts never auto-retried. */
  neverRetry: string[];
  /** Hosts whose error pages get no in-page panel ("don't show on this site"). */
  panelHidden: string[];
  /** The in-page panel on error pages at all (default on). */
  panel: boolean;
  /** A notification when a page in the background came back (default on). */
  notifications: boolean;
}

/** A site's auto-retry choice: on the `alwaysRetry` list, on `neverRetry`, or neither. */
export type SitePolicy = 'always' | 'never' | 'default';

/** Which outside sources the visitor agreed to, one by one (core/settings/consent.ts). */
export interface Consent {
  /** Google (`www.gstatic.com`) and Cloudflare are asked whether they answer: nothing about the site. */
  connectivity: boolean;
  /** Public DNS resolvers (Cloudflare, Google) learn the site's name. */
  dns: boolean;
  /** Outside vantage services (check-host.net, Globalping) learn the site's address. */
  vantage: boolean;
  /** The site's status page (or `status.<domain>`) is asked. */
  statusPage: boolean;
  /** The Wayback Machine learns the site's address. */
  archive: boolean;
}

export type ConsentSource = keyof Consent;

export const CONSENT_SOURCES: readonly ConsentSource[] = ['connectivity', 'dns', 'vantage', 'statusPage', 'archive'];
