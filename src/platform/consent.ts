import { browser } from './browser';
import { validateConsent, type Consent } from '../core/consent';

const KEY = 'consent';

/**
 * The visitor's per-source consent, kept on this device only (`storage.local`): agreeing to tell
 * third parties which sites you visit is a decision for this browser, not one to sync.
 */
export async function readConsent(): Promise<Consent> {
  const got = await browser.storage.local.get(KEY);
  return validateConsent(got[KEY]);
}

export async function writeConsent(consent: Consent): Promise<void> {
  await browser.storage.local.set({ [KEY]: validateConsent(consent) });
}
