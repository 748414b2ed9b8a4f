import { browser } from './browser';

export interface BadgeView {
  text: string;
  color: string;
  title: string;
}

export async function showBadge(tabId: number, view: BadgeView): Promise<void> {
  await Promise.all([
    browser.action.setBadgeText({ tabId, text: view.text }),
    browser.action.setBadgeBackgroundColor({ tabId, color: view.color }),
    // White on the severity colour; older Chromium lacks setBadgeTextColor.
    browser.action.setBadgeTextColor?.({ tabId, color: '#FFFFFF' }),
    browser.action.setTitle({ tabId, title: view.title }),
  ]);
}

export async function clearBadge(tabId: number): Promise<void> {
  // Passing null would not reset a tab-specific title in every browser; an explicit default does.
  await Promise.all([
    browser.action.setBadgeText({ tabId, text: '' }),
    browser.action.setTitle({ tabId, title: browser.i18n.getMessage('actionTitle') || 'Downcheck' }),
  ]);
}
