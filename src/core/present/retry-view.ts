import type { Msg } from '../../model/message-text';
import type { RetryRecord } from '../../model/retry';
import type { RetryDecision } from '../retry/policy';

/**
 * What the popup says about a tab's auto-retry, as localisable messages: pure, so the wording
 * for every state is unit-tested and the popup only draws it.
 */
export type RetryView =
  | { kind: 'waiting'; seconds: number; attempt: number; status: Msg; detail: Msg }
  | { kind: 'offline'; status: Msg; detail: Msg }
  | { kind: 'gave-up'; status: Msg; detail: Msg }
  | { kind: 'post'; status: Msg; detail: Msg }
  /** The site answers other visitors (the probe), but this page failed again after every recovery. */
  | { kind: 'page-fails'; status: Msg; detail: Msg }
  | { kind: 'off'; status: Msg; detail: Msg };

export function retryView(input: {
  record?: RetryRecord | undefined;
  tabId: number;
  decision: RetryDecision;
  now: number;
}): RetryView | undefined {
  const { record, tabId, decision, now } = input;
  // Only a form whose outcome would otherwise be retried gets the "sent a form" story; a POST that got a 404 gets none.
  if (!decision.retry && decision.reason === 'method')
    return { kind: 'post', status: { key: 'retry_post_status' }, detail: { key: 'retry_post_detail' } };
  if (!decision.retry) return undefined;
  if (!record || !record.tabs.includes(tabId))
    return { kind: 'off', status: { key: 'retry_off_status' }, detail: { key: 'retry_off_detail' } };
  const tries = String(record.probes);
  if (record.state === 'gave-up')
    return { kind: 'gave-up', status: { key: 'retry_gave_up_status', subs: [tries] }, detail: { key: 'retry_gave_up_detail' } };
  if (record.state === 'offline')
    return { kind: 'offline', status: { key: 'retry_offline_status' }, detail: { key: 'retry_offline_detail' } };
  if (record.state === 'page-fails') {
    const host = hostOf(record.origin);
    return {
      kind: 'page-fails',
      status: { key: 'retry_page_fails_status', subs: [host] },
      detail: { key: 'retry_page_fails_detail', subs: [String(record.recoveries ?? 0)] },
    };
  }
  const attempt = record.schedule.attempt;
  if (record.state === 'recovered')
    return { kind: 'waiting', seconds: 0, attempt, status: { key: 'retry_back_status' }, detail: { key: 'retry_waiting_detail' } };
  const seconds = Math.max(0, Math.ceil((record.schedule.nextAt - now) / 1000));
  const last = record.lastProbe;
  // A redirect's exact status is hidden from extensions (see platform/probe): "3xx" says what is known.
  const answered = last?.status !== undefined ? String(last.status) : last?.redirect ? '3xx' : (last?.error ?? '?');
  const detail: Msg = !last
    ? { key: 'retry_waiting_detail' }
    : last.verdict === 'answers'
      ? { key: 'retry_waiting_detail_answers', subs: [tries, answered] }
      : { key: 'retry_waiting_detail_last', subs: [tries, answered] };
  return {
    kind: 'waiting',
    seconds,
    attempt,
    status: seconds > 0 ? { key: 'retry_waiting_status', subs: [formatWait(seconds), String(attempt)] } : { key: 'retry_checking_status' },
    detail,
  };
}

/** `45 s`, `3 min 05 s`, `1 h 02 min` — numbers only, units are universal enough for en/de/fr/es. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
