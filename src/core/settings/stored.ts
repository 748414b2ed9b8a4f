/** The visitor's choices as stored: settings (`storage.local`, copied to `storage.sync`), consent, and "not now" per tab. */
import { defineItem, defineTabItem } from '../schema/item';
import type { Consent, Settings } from '../../model/settings';
import { DEFAULT_SETTINGS, pickSettings, validateSettings } from './settings';
import { DEFAULT_CONSENT, validateConsent } from './consent';

/**
 * `storage.local` holds this browser's latest settings, always; `storage.sync` gets a copy when the browser
 * offers it and the copy fits its 8 KB item limit. Each copy carries when it was saved (`savedAt`), and a
 * read takes the newer one: a change made on another device wins, a stale sync copy never does.
 */
export const settingsItem = defineItem({
  name: 'settings',
  key: 'settings',
  area: 'local',
  parse: validateSettings,
  fallback: DEFAULT_SETTINGS as Settings,
  version: 2,
  onWriteFailure: 'throw',
  sync: { pick: pickSettings, stamp: (settings: Settings) => ({ ...settings, savedAt: Date.now() }) },
});

/**
 * The visitor's per-source consent, kept on this device only: agreeing to tell third parties which
 * sites you visit is a decision for this browser, not one to sync.
 */
export const consentItem = defineItem({
  name: 'consent',
  key: 'consent',
  area: 'local',
  parse: validateConsent,
  fallback: DEFAULT_CONSENT as Consent,
  version: 2,
  onWriteFailure: 'throw',
});

/** The incident (its time) for which the visitor said "not now" to the consent question: asked once per incident. */
export const consentAskedItem = defineTabItem('consent-asked', {
  parse: (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined),
  version: 2,
  onWriteFailure: 'log',
});
