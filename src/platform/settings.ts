import { browser } from './browser';
import { validateSettings, type Settings } from '../core/settings';

const KEY = 'settings';

/** `storage.sync` follows the visitor across devices where the browser offers it; `local` otherwise. */
function area(): typeof browser.storage.local {
  return browser.storage.sync ?? browser.storage.local;
}

export async function readSettings(): Promise<Settings> {
  try {
    const got = await area().get(KEY);
    return validateSettings(got[KEY]);
  } catch {
    // sync can be disabled by policy or unavailable in a temporary Firefox profile
    const got = await browser.storage.local.get(KEY);
    return validateSettings(got[KEY]);
  }
}

export async function writeSettings(settings: Settings): Promise<void> {
  const valid = validateSettings(settings);
  try {
    await area().set({ [KEY]: valid });
  } catch {
    await browser.storage.local.set({ [KEY]: valid });
  }
}

export function onSettingsChanged(listener: () => void): void {
  browser.storage.onChanged.addListener((changes, areaName) => {
    if (KEY in changes && (areaName === 'sync' || areaName === 'local')) listener();
  });
}
