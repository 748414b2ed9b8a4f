import { CONSENT_SOURCES, type Consent } from '../core/consent';
import { sleep } from '../core/timers';
import { readDiagnosis, readIncident } from '../platform/storage';
import { activeTab } from '../platform/tabs';
import { diagnoseTab } from './diagnose';

/**
 * Once the visitor allows a source (in the popup, the first-run page or the settings), the checks
 * run by themselves for the incident in the tab they are looking at, so the verdict is ready when
 * the popup or the panel opens. Only when a source was newly allowed, and only if this incident
 * has not had its outside checks yet.
 */
const SETTLE_MS = 500;

export async function consentChanged(before: Consent | undefined, after: Consent): Promise<boolean> {
  const newlyAllowed = CONSENT_SOURCES.some((s) => after[s] && !before?.[s]);
  if (!newlyAllowed) return false;
  // The popup that asked usually starts the checks itself: give it a moment, then only fill the gap.
  await sleep(SETTLE_MS);
  const tab = await activeTab();
  if (!tab) return false;
  const incident = await readIncident(tab.id);
  if (!incident) return false;
  const diagnosis = await readDiagnosis(tab.id);
  if (diagnosis?.outside && diagnosis.incidentTime === incident.time) return false; // already asked outside
  await diagnoseTab(tab.id, incident, { outside: true });
  return true;
}
