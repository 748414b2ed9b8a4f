import type { Incident } from '../../model/incident';
import { decisionFor } from '../../core/retry/policy';
import { retryView, type RetryView } from '../../core/present/retry-view';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { h } from '../../ui/dom';
import { actionButton } from '../kit/controls';
import { page, type Actions, type State } from '../kit/state';

/** The tab's auto-retry as the popup shows it now (the countdown ticks in place every second). */
export const currentRetryView = (state: State, incident: Incident, tabId: number): RetryView | undefined =>
  retryView({ record: state.retry, tabId, decision: decisionFor(incident, Date.now()), now: Date.now() });

/** The auto-retry with its countdown and controls (Retry now / Stop), or the form's resubmit question. */
export function retrySection(incident: Incident, tabId: number, view: RetryView, actions: Actions): HTMLElement {
  const button = (key: string, action: () => Promise<unknown>, primary = false) => actionButton(t(key), key, action, primary, actions);
  const buttons: Array<HTMLElement | null> = [];
  switch (view.kind) {
    case 'waiting':
    case 'offline':
      buttons.push(
        button('retry_now', () => request('retry-now', { tabId }), true),
        button('retry_stop', () => request('stop-retry', { tabId })),
      );
      break;
    case 'gave-up':
    case 'off':
      buttons.push(
        button('retry_now', () => request('retry-now', { tabId }), true),
        button('retry_start', () => request('start-retry', { tabId })),
      );
      break;
    case 'post':
      buttons.push(
        page.confirmResubmit
          ? h(
              'div',
              { class: 'warning', role: 'alert' },
              h('p', {}, t('retry_resubmit_warning')),
              button('retry_resubmit_confirm', () => request('resubmit', { tabId }), true),
              button('retry_resubmit_cancel', async () => (page.confirmResubmit = false)),
            )
          : button('retry_resubmit', async () => (page.confirmResubmit = true)),
      );
      break;
  }
  // The waiting line's long explanation is the answer's own sub-line; only the states that need
  // a word of their own (a form, gave up, offline) say more here.
  const detail =
    view.kind === 'post' || view.kind === 'gave-up' || view.kind === 'offline' ? h('p', { class: 'retry-detail' }, t(view.detail)) : null;
  return h(
    'section',
    { class: `retry retry-${view.kind}`, 'data-testid': 'retry', 'aria-labelledby': 'retry-status', 'data-host': incident.host },
    h(
      'div',
      { class: 'retry-row' },
      h('p', { id: 'retry-status', class: 'retry-status', 'data-testid': 'retry-status' }, t(view.status)),
      ...buttons,
    ),
    detail,
  );
}
