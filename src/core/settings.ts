/**
 * The visitor's settings, validated on every read: storage can hold anything (an older version's
 * shape, a hand-edited sync entry), and a bad value must fall back to its default, not break
 * the worker.
 */
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
}

export const GIVE_UP_CHOICES: ReadonlyArray<number | null> = [5, 10, 30, 60, 120, null];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  autoRetry: true,
  giveUpMinutes: 30,
  alwaysRetry: [],
  neverRetry: [],
  panelHidden: [],
});

const MAX_SITES = 500;
const HOST = /^(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$|^\[[0-9a-f:.]+\]$/;

function hostList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const hosts = value.filter((h): h is string => typeof h === 'string' && h.length <= 255).map((h) => h.trim().toLowerCase());
  return [...new Set(hosts.filter((h) => HOST.test(h)))].slice(0, MAX_SITES);
}

export function validateSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const giveUp = r.giveUpMinutes;
  return {
    autoRetry: typeof r.autoRetry === 'boolean' ? r.autoRetry : DEFAULT_SETTINGS.autoRetry,
    giveUpMinutes:
      giveUp === null || (typeof giveUp === 'number' && GIVE_UP_CHOICES.includes(giveUp)) ? giveUp : DEFAULT_SETTINGS.giveUpMinutes,
    alwaysRetry: hostList(r.alwaysRetry),
    neverRetry: hostList(r.neverRetry),
    panelHidden: hostList(r.panelHidden),
  };
}

export type SitePolicy = 'always' | 'never' | 'default';

export function sitePolicy(settings: Settings, host: string): SitePolicy {
  if (settings.neverRetry.includes(host)) return 'never';
  if (settings.alwaysRetry.includes(host)) return 'always';
  return 'default';
}

/** Whether failures on `host` are retried automatically under these settings. */
export function autoRetryAllowed(settings: Settings, host: string): boolean {
  const policy = sitePolicy(settings, host);
  return policy === 'always' || (policy === 'default' && settings.autoRetry);
}

/** A copy of `settings` with `host` moved to the list `policy` names (or to neither). */
export function withSitePolicy(settings: Settings, host: string, policy: SitePolicy): Settings {
  const h = host.trim().toLowerCase(); // as validateSettings keeps hosts: otherwise ` a.example ` lands in both lists
  const alwaysRetry = settings.alwaysRetry.filter((x) => x !== h);
  const neverRetry = settings.neverRetry.filter((x) => x !== h);
  if (policy === 'always') alwaysRetry.push(h);
  if (policy === 'never') neverRetry.push(h);
  return validateSettings({ ...settings, alwaysRetry, neverRetry });
}
