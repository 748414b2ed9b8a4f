/**
 * The one message protocol between extension pages (popup, options) and the background. Each
 * request's response type is declared here once; errors travel back as `{ ok: false, error }`.
 */
import type { SitePolicy } from '../core/settings';

export interface Requests {
  'retry-now': { request: { tabId: number }; response: { started: boolean } };
  'stop-retry': { request: { tabId: number }; response: { stopped: boolean } };
  'start-retry': { request: { tabId: number }; response: { started: boolean } };
  'resubmit': { request: { tabId: number }; response: { reloaded: boolean } };
  'site-policy': { request: { host: string; policy: SitePolicy }; response: { policy: SitePolicy } };
}

export type RequestType = keyof Requests;
export type Message = { [T in RequestType]: { type: T } & Requests[T]['request'] }[RequestType];
export type Reply<T extends RequestType> = { ok: true; value: Requests[T]['response'] } | { ok: false; error: string };

const TYPES: ReadonlySet<string> = new Set<RequestType>(['retry-now', 'stop-retry', 'start-retry', 'resubmit', 'site-policy']);

/** Shape check for anything arriving on the message channel: a malformed message is refused, not trusted. */
export function isMessage(value: unknown): value is Message {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  if (typeof m.type !== 'string' || !TYPES.has(m.type)) return false;
  if (m.type === 'site-policy') return typeof m.host === 'string' && m.host.length <= 255 && ['always', 'never', 'default'].includes(m.policy as string);
  return typeof m.tabId === 'number' && Number.isInteger(m.tabId) && m.tabId >= 0;
}
