/** The crowd's stored records (docs/crowd-in-the-extension.md). */
import { defineItem } from '../schema/item';
import type { CrowdChoice } from '../../model/crowd';
import { DEFAULT_CROWD_CHOICE, validateCrowdChoice } from './choice';

/** The opt-in and the service address, on this device only (never synced): like consent, a decision for this browser. */
export const crowdChoiceItem = defineItem({
  name: 'crowd',
  key: 'crowd',
  area: 'local',
  parse: validateCrowdChoice,
  fallback: DEFAULT_CROWD_CHOICE as CrowdChoice,
  version: 2,
  onWriteFailure: 'throw',
});
