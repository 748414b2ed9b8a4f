/** The crowd's stored records (docs/crowd-in-the-extension.md). */
import { defineItem } from '../schema/item';
import type { CrowdChoice } from '../../model/crowd';
import { DEFAULT_CROWD_CHOICE, validateCrowdChoice } from './choice';
import { isDeviceSecret } from './reporter';
import { parseSent, SENT_MAX_HOSTS, type SentReport } from './should-report';

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

/** The random secret the daily reporter id comes from: made on first need, on this device only (never synced). */
export const crowdSecretItem = defineItem({
  name: 'crowd-secret',
  key: 'crowd-secret',
  area: 'local',
  parse: (raw: unknown): string | undefined => (isDeviceSecret(raw) ? raw : undefined),
  version: 2,
  onWriteFailure: 'log',
});

/** The record of sent reports: host keys (never names) and times, 10 minutes, at most SENT_MAX_HOSTS; memory only. */
export const crowdSentItem = defineItem({
  name: 'crowd-sent',
  key: 'crowd-sent',
  area: 'session',
  parse: (raw: unknown): SentReport[] => parseSent(raw, Date.now()),
  bound: { entries: SENT_MAX_HOSTS },
  fallback: [] as SentReport[],
  version: 2,
  onWriteFailure: 'log',
});
