/**
 * Every stored item, in one registry: the store trims, migrates and forgets tabs over it, and the guard
 * tests (store-items, privacy, storage-boundary) derive their lists from it. No core sub-folder imports it.
 */
import type { AnyItem } from './schema/item';
import { schemaItem } from './schema/version';
import { consentAskedItem, consentItem, settingsItem } from './settings/stored';
import { alarmKeyItem, recoveredItem, retryItem, watchItem } from './retry/stored';
import {
  errorPageItem,
  failureItem,
  formCommitItem,
  incidentItem,
  recordingItem,
  responseItem,
  softTimesItem,
  subframesItem,
} from './incident/stored';
import { diagnosisItem, evidenceCacheItem, limitsItem, reachabilityItem } from './diagnosis/stored';
import { guideMarksItem, historyItem } from './present/stored';
import { crowdChoiceItem, crowdSecretItem, crowdSentItem } from './crowd/stored';

/** Everything kept about a tab, so forgetting a closed tab forgets all of it. */
export const TAB_ITEMS = [
  incidentItem,
  subframesItem,
  responseItem,
  diagnosisItem,
  guideMarksItem,
  recoveredItem,
  softTimesItem,
  consentAskedItem,
  recordingItem,
  failureItem,
  errorPageItem,
  formCommitItem,
] as const;

export const ALL_ITEMS: readonly AnyItem[] = [
  ...TAB_ITEMS,
  retryItem,
  watchItem,
  alarmKeyItem,
  limitsItem,
  evidenceCacheItem,
  reachabilityItem,
  historyItem,
  settingsItem,
  consentItem,
  crowdChoiceItem,
  crowdSecretItem,
  crowdSentItem,
  schemaItem,
];
