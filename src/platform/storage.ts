/** The old storage functions as thin wrappers over platform/store.ts, until scripts/refactor/storage-calls.mjs moves their callers. */
import type { Incident, IncidentEnd } from '../model/incident';
import type { HistoryVerdictId as ShownVerdict } from '../model/verdict';
import type { Recovery, RetryRecord } from '../model/retry';
import type { DiagnosisRecord } from '../model/diagnosis';
import type { Consent } from '../model/settings';
import type { Settings } from '../model/settings';
import { withEnd, withVerdict } from '../core/present/history';
import {
  errorPageItem,
  failureItem,
  formCommitItem,
  incidentItem,
  recordingItem,
  responseItem,
  softTimesItem,
  subframesItem,
  type HeardFailure,
  type ResponseNote,
  type SubframeFailure,
} from '../core/incident/stored';
import { diagnosisItem, type SiteCheck } from '../core/diagnosis/stored';
import { appendEntry, guideMarksItem, historyItem, withoutEntry, type GuideMarks } from '../core/present/stored';
import { consentItem, settingsItem } from '../core/settings/stored';
import { recoveredItem, retryItem, watchItem, type WatchRecord } from '../core/retry/stored';
import { at, keysByFamily, read, readAll, readEach, remove, update, write, writeTogether } from './store';
import { onItemChanged } from './store-changes';

export * from './storage-base';
export { forgetTab } from './store';
export { migrateStore as migrateStorage } from './store-migrate';

export const writeIncident = (tabId: number, incident: Incident): Promise<void> => write(incidentItem, incident, tabId);
export const beginRecording = (tabId: number, incident: Incident): Promise<void> =>
  writeTogether([at(incidentItem, incident, tabId), at(recordingItem, incident.time, tabId)]);
export const endRecording = (tabId: number): Promise<void> => remove(recordingItem, tabId);
export const noteFailure = (tabId: number, failure: HeardFailure): Promise<void> => write(failureItem, failure, tabId);
export const forgetFailure = (tabId: number): Promise<void> => remove(failureItem, tabId);
export const readErrorPageSeen = (tabId: number): Promise<string | undefined> => read(errorPageItem, tabId);
export const markErrorPageSeen = (tabId: number, url: string): Promise<void> => write(errorPageItem, url, tabId);
export const readFormCommit = (tabId: number): Promise<string | undefined> => read(formCommitItem, tabId);
export const writeFormCommit = (tabId: number, url: string): Promise<void> => write(formCommitItem, url, tabId);
export const removeFormCommit = (tabId: number): Promise<void> => remove(formCommitItem, tabId);
export const heardFailures = (): Promise<Array<[number, HeardFailure | undefined]>> => readEach(failureItem);
export const tabsWithRecords = (): Promise<Map<string, number[]>> => keysByFamily();
export const removeIncident = (tabId: number): Promise<void> => remove(incidentItem, tabId);
export const readSubframeFailures = (tabId: number): Promise<SubframeFailure[]> => read(subframesItem, tabId);
export const appendSubframeFailure = (tabId: number, entry: SubframeFailure): Promise<void> =>
  update(subframesItem, (list) => [entry, ...list], tabId);
export const readResponse = (tabId: number): Promise<ResponseNote | undefined> => read(responseItem, tabId);
export const writeResponse = (tabId: number, note: ResponseNote): Promise<void> => write(responseItem, note, tabId);
export const removeResponse = (tabId: number): Promise<void> => remove(responseItem, tabId);
export const readSoftTimes = (tabId: number): Promise<number[]> => read(softTimesItem, tabId);
export const writeSoftTimes = (tabId: number, times: number[]): Promise<void> => write(softTimesItem, times, tabId);
export const writeDiagnosis = (tabId: number | SiteCheck, record: DiagnosisRecord): Promise<void> => write(diagnosisItem, record, tabId);
export const removeDiagnosis = (tabId: number | SiteCheck): Promise<void> => remove(diagnosisItem, tabId);
export const writeGuideMarks = (tabId: number, marks: GuideMarks): Promise<void> => write(guideMarksItem, marks, tabId);
export const writeRecovery = (tabId: number, recovery: Recovery): Promise<void> => write(recoveredItem, recovery, tabId);
export const writeWatch = (record: WatchRecord): Promise<void> => write(watchItem, record);
export const removeWatch = (origin: string): Promise<void> => remove(watchItem, origin);
export const allWatches = (): Promise<WatchRecord[]> => readAll(watchItem);
export const writeRetry = (record: RetryRecord): Promise<void> => write(retryItem, record);
export const removeRetry = (origin: string): Promise<void> => remove(retryItem, origin);
export const allRetries = (): Promise<RetryRecord[]> => readAll(retryItem);
export const readHistory = (): Promise<Incident[]> => read(historyItem);
export const removeHistoryEntry = (time: number, host: string): Promise<void> =>
  update(historyItem, (list) => withoutEntry(list, time, host), { onWriteFailure: 'throw' });
export const clearHistory = (): Promise<void> => remove(historyItem);
export const onConsentChanged = (listener: (before: Consent | undefined, after: Consent) => void): (() => void) =>
  onItemChanged(consentItem, listener);
export const onHistoryChanged = (listener: () => void): (() => void) => onItemChanged(historyItem, listener);
export const endHistoryEntry = (host: string, time: number, end: IncidentEnd): Promise<void> =>
  update(historyItem, (list) => withEnd(list, host, time, end));
export const noteHistoryVerdict = (host: string, time: number, verdict: ShownVerdict): Promise<void> =>
  update(historyItem, (list) => withVerdict(list, host, time, verdict));
export const appendHistory = (incident: Incident): Promise<void> => update(historyItem, (list) => appendEntry(list, incident));
export const writeSettings = (settings: Settings): Promise<void> => write(settingsItem, settings);
