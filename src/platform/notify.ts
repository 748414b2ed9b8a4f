import { browser } from './browser';
import * as store from './store';
import { settingsItem } from '../core/settings/stored';

const ICON = 'icons/icon-128.png';

/** Shown only while the visitor leaves notifications on (settings). */
export async function notify(id: string, title: string, message: string): Promise<void> {
  if (!(await store.read(settingsItem)).notifications) return;
  await browser.notifications.create(id, { type: 'basic', iconUrl: browser.runtime.getURL(ICON), title, message });
}

export function onNotificationClicked(listener: (id: string) => void): void {
  browser.notifications.onClicked.addListener(listener);
}

export async function clearNotification(id: string): Promise<void> {
  await browser.notifications.clear(id);
}
