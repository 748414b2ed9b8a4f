/**
 * What the panel shows, drawn into a given frame: shared by the injected panel (closed shadow
 * root in a failing page) and the preview page (open root, for accessibility checks and
 * screenshots). Actions go through `handlers`; only trusted (real user) events trigger them.
 */
import type { PanelState } from '../shared/messages';
import { decisionFor } from '../core/retry-policy';
import { retryView } from '../core/retry-view';
import { guide, type BrowserKind, type Os } from '../core/guide';
import { t } from '../platform/i18n';
import { h } from '../ui/dom';

export interface PanelHandlers {
  retryNow(): void;
  stop(): void;
  openGuide(): void;
  hideSite(): void;
  close(): void;
}

/** Only the visitor's own clicks count; a page script's synthetic events do not. */
function button(label: string, testId: string, action: () => void, primary = false): HTMLButtonElement {
  const b = h('button', { type: 'button', class: primary ? 'primary' : '', 'data-testid': testId }, label);
  b.addEventListener('click', (event) => {
    if (event.isTrusted) action();
  });
  return b;
}

export function renderPanel(frame: HTMLElement, state: PanelState, handlers: PanelHandlers, now = Date.now()): void {
  const incident = state.incident;
  if (!incident) return;
  const retry = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(incident, now), now });
  const next = guide({ incident, os: (state.os as Os) ?? 'unknown', browser: state.browser as BrowserKind })[0];
  const close = button('×', 'panel-close', handlers.close);
  close.setAttribute('aria-label', t('panel_close'));
  const parts: Array<HTMLElement | null> = [
    h(
      'header',
      {},
      h('span', { class: `code severity-${incident.severity}`, 'aria-hidden': 'true' }, incident.badge),
      h('p', { class: 'sentence', 'data-testid': 'panel-sentence' }, t(incident.explanation)),
      close,
    ),
    h('p', { class: 'meaning' }, t(incident.meaning)),
    retry
      ? h(
          'div',
          { class: 'retry' },
          h('p', { class: 'retry-status', 'data-testid': 'panel-retry', 'aria-live': 'polite' }, t(retry.status)),
          retry.kind === 'waiting' || retry.kind === 'offline'
            ? h('p', { class: 'actions' }, button(t('retry_now'), 'panel-retry-now', handlers.retryNow, true), button(t('retry_stop'), 'panel-stop', handlers.stop))
            : retry.kind === 'post'
              ? h('p', { class: 'detail' }, t(retry.detail))
              : h('p', { class: 'actions' }, button(t('retry_now'), 'panel-retry-now', handlers.retryNow, true)),
        )
      : null,
    next ? h('p', { class: 'next' }, h('strong', {}, t('panel_next_step')), ' ', t(next.title)) : null,
    h('footer', {}, button(t('panel_full_guide'), 'panel-guide', handlers.openGuide), button(t('panel_hide_site'), 'panel-hide', handlers.hideSite)),
  ];
  frame.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

/** Updates only the countdown line, so focus and screen-reader position survive the tick. */
export function tickPanel(frame: HTMLElement, state: PanelState, now = Date.now()): void {
  if (!state.incident || !state.retry) return;
  const el = frame.querySelector('[data-testid="panel-retry"]');
  const view = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(state.incident, now), now });
  if (el && view) el.textContent = t(view.status);
}
