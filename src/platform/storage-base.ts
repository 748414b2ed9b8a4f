/** The old readers as thin wrappers over platform/store.ts, until scripts/refactor/storage-calls.mjs moves their callers. */
import type { Incident } from '../model/incident';
import type { Recovery, RetryRecord } from '../model/retry';
import type { DiagnosisRecord } from '../model/diagnosis';
import type { Consent } from '../model/settings';
import type { Settings } from '../model/settings';
import { incidentItem } from '../core/incident/stored';
import { diagnosisItem, type SiteCheck } from '../core/diagnosis/stored';
import { guideMarksItem, type GuideMarks } from '../core/present/stored';
import { consentAskedItem, consentItem, settingsItem } from '../core/settings/stored';
import { recoveredItem, retryItem, watchItem, type WatchRecord } from '../core/retry/stored';
import { read, write } from './store';

export type { GuideMarks };
export type { ResponseNote, SubframeFailure } from '../core/incident/stored';
export { isQuotaError } from './store';

export const readIncident = (tabId: number): Promise<Incident | undefined> => read(incidentItem, tabId);
export const diagnosisKey = (tabId: number | SiteCheck): string => diagnosisItem.key(tabId);
export const readDiagnosis = (tabId: number | SiteCheck): Promise<DiagnosisRecord | undefined> => read(diagnosisItem, tabId);
export const readGuideMarks = (tabId: number): Promise<GuideMarks> => read(guideMarksItem, tabId);
export const readConsentAsked = (tabId: number): Promise<number | undefined> => read(consentAskedItem, tabId);
export const writeConsentAsked = (tabId: number, incidentTime: number): Promise<void> => write(consentAskedItem, incidentTime, tabId);
export const readRecovery = (tabId: number): Promise<Recovery | undefined> => read(recoveredItem, tabId);
export const readRetry = (origin: string): Promise<RetryRecord | undefined> => read(retryItem, origin);
export const readWatch = (origin: string): Promise<WatchRecord | undefined> => read(watchItem, origin);
export const readConsent = (): Promise<Consent> => read(consentItem);
export const writeConsent = (consent: Consent): Promise<void> => write(consentItem, consent);
export const readSettings = (): Promise<Settings> => read(settingsItem);

export { onSessionChanged } from './storage-changes';
