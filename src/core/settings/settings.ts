/**
 * The visitor's settings, validated on every read: storage can hold anything (an older version's
 * shape, a hand-edited sync entry), and a bad value must fall back to its default, not break
 * the worker.
 */
import type { Settings, SitePolicy } from '../../model/settings';

export const GIVE_UP_CHOICES: ReadonlyArray<number | null> = [5, 10, 30, 60, 120, null];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  autoRetry: true,
  giveUpMinutes: 30,
  alwaysRetry: [],
  neverRetry: [],
  panelHidden: [],
  panel: true,
  notifications: true,
});

/** Per list; beyond it the oldest entries go (lists grow at the end, so the last ones are the newest). */
export const MAX_SITES = 500;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$|^\\[[0-9a-f:.]+\\]$`);

/**
 * A host name as the lists keep it: lower-case, no trailing dot, IDN in punycode; a pasted URL or
 * `host:port` gives its host. `undefined` for anything that is not a host name.
 */
export function normaliseHost(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 2048) return undefined;
  let value = raw.trim().toLowerCase();
  if (!value) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value)) value = `http://${value}`;
  let host: string;
  try {
    host = new URL(value).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/\.$/, '');
  return host.length <= 253 && HOST.test(host) ? host : undefined;
}

function hostList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const hosts = value
    .slice(-MAX_SITES * 4)
    .map(normaliseHost)
    .filter((h): h is string => h !== undefined);
  // A host listed twice keeps its latest place; the newest MAX_SITES stay.
  return [...new Set(hosts.reverse())].reverse().slice(-MAX_SITES);
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
    panel: typeof r.panel === 'boolean' ? r.panel : DEFAULT_SETTINGS.panel,
    notifications: typeof r.notifications === 'boolean' ? r.notifications : DEFAULT_SETTINGS.notifications,
  };
}

export function sitePolicy(settings: Settings, host: string): SitePolicy {
  const h = normaliseHost(host);
  if (h === undefined) return 'default';
  if (settings.neverRetry.includes(h)) return 'never';
  if (settings.alwaysRetry.includes(h)) return 'always';
  return 'default';
}

/** Whether failures on `host` are retried automatically under these settings. */
export function autoRetryAllowed(settings: Settings, host: string): boolean {
  const policy = sitePolicy(settings, host);
  return policy === 'always' || (policy === 'default' && settings.autoRetry);
}

/** A copy of `settings` with `host` moved to the list `policy` names (or to neither). */
export function withSitePolicy(settings: Settings, host: string, policy: SitePolicy): Settings {
  const h = normaliseHost(host) ?? host.trim().toLowerCase(); // as validateSettings keeps hosts
  const alwaysRetry = settings.alwaysRetry.filter((x) => x !== h);
  const neverRetry = settings.neverRetry.filter((x) => x !== h);
  if (policy === 'always') alwaysRetry.push(h);
  if (policy === 'never') neverRetry.push(h);
  return validateSettings({ ...settings, alwaysRetry, neverRetry });
}

/** Whether the visitor chose "don't show on this site" for `host`. */
export const panelHiddenOn = (settings: Settings, host: string): boolean => settings.panelHidden.includes(normaliseHost(host) ?? '');

/** A copy with `host` added to the "don't show on this site" list (as its newest entry). */
export function withPanelHidden(settings: Settings, host: string): Settings {
  const h = normaliseHost(host);
  return h ? validateSettings({ ...settings, panelHidden: [...settings.panelHidden.filter((x) => x !== h), h] }) : settings;
}

/** What one sync item may hold (Chrome's QUOTA_BYTES_PER_ITEM, key included). */
export const SYNC_ITEM_BYTES = 8192;

/**
 * The settings to use, from the local copy and the sync copy as read: the one saved last (`savedAt`).
 * Copies written by 0.1.0 carry no time: then the local copy wins if it is too big to have been
 * synced (0.1.0 wrote it because the sync write had failed), the sync copy otherwise (what 0.1.0 read).
 */
export function pickSettings(local: unknown, synced: unknown): Settings {
  const savedAt = (raw: unknown): number => {
    const at = raw && typeof raw === 'object' ? (raw as { savedAt?: unknown }).savedAt : undefined;
    return typeof at === 'number' && Number.isFinite(at) ? at : -1;
  };
  const present = (raw: unknown): boolean => raw !== null && typeof raw === 'object' && !Array.isArray(raw);
  if (!present(synced)) return validateSettings(local);
  if (!present(local)) return validateSettings(synced);
  const [l, s] = [savedAt(local), savedAt(synced)];
  if (l !== s) return validateSettings(l > s ? local : synced);
  return validateSettings(JSON.stringify(local).length + 8 > SYNC_ITEM_BYTES ? local : synced);
}
