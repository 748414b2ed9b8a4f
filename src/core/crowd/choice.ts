// The crowd opt-in and the service address as stored: validated on every read, off unless a literal `true` says on.
import type { CrowdChoice } from '../../model/crowd';
import { parseServiceUrl } from './service-url';

export const DEFAULT_CROWD_CHOICE: Readonly<CrowdChoice> = Object.freeze({ optIn: false, serviceUrl: null });

/** Anything stored becomes a valid choice: a bad address is dropped (the build's own applies), never kept. */
export function validateCrowdChoice(raw: unknown): CrowdChoice {
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const url = r.serviceUrl === null || r.serviceUrl === undefined ? undefined : parseServiceUrl(r.serviceUrl);
  const choice: CrowdChoice = { optIn: r.optIn === true, serviceUrl: url?.ok ? url.url : null };
  return r.decided === true ? { ...choice, decided: true } : choice;
}

/**
 * The service the extension talks to: the visitor's own address, else the build's; `null` when neither is usable,
 * and then the feature is not offered at all.
 */
export function serviceFor(choice: CrowdChoice, builtIn: string | null | undefined): string | null {
  if (choice.serviceUrl !== null) return choice.serviceUrl;
  const parsed = parseServiceUrl(builtIn ?? '');
  return parsed.ok ? parsed.url : null;
}

/** Whether anything may be sent to or read from the crowd service now. */
export const crowdActive = (choice: CrowdChoice, builtIn: string | null | undefined): boolean =>
  choice.optIn && serviceFor(choice, builtIn) !== null;
