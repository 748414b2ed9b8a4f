/** The visitor's per-source consent; kept by the storage module like every other stored record. */
export { readConsent, writeConsent } from './storage';
