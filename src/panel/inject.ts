/**
 * The in-page panel, injected (never declared as a content script) into a page that failed.
 * It lives in a closed shadow root on a host element whose inline `!important` styles the page's
 * CSS cannot override; the page's scripts cannot read into it, and synthetic clicks are ignored.
 * If the page removes or restyles the host, it is put back (a bounded number of times).
 */
import type { PanelState } from '../shared/messages';
import { decisionFor } from '../core/retry-policy';
import { retryView } from '../core/retry-view';
import { guide, type BrowserKind, type Os } from '../core/guide';
import { t } from '../platform/i18n';
import { request } from '../platform/messaging';
import { h } from '../ui/dom';
import css from './panel.css?inline';

const MARK = '__downcheckPanel';
const HOST_STYLE = [
  'all: initial',
  'position: fixed',
  'inset: auto 16px 16px auto',
  'z-index: 2147483647',
  'display: block',
  'visibility: visible',
  'opacity: 1',
  'transform: none',
  'filter: none',
  'pointer-events: auto',
  'width: auto',
  'height: auto',
  'margin: 0',
  'padding: 0',
].map((rule) => `${rule} !important`).join('; ');
const REFRESH_MS = 5000;
const MAX_RESTORES = 20;

type Global = typeof globalThis & { [MARK]?: boolean };

function main(): void {
  const g = globalThis as Global;
  if (g[MARK]) return; // injected again on the same page: one panel is enough
  g[MARK] = true;

  const host = document.createElement('downcheck-panel');
  host.setAttribute('style', HOST_STYLE);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = css;
  const frame = h('aside', { class: 'panel', role: 'region', 'aria-label': t('panel_label'), 'data-testid': 'panel' });
  root.append(style, frame);

  let state: PanelState | undefined;
  let closed = false;
  let restores = 0;

  const attach = (): void => {
    if (!host.isConnected) document.documentElement.append(host);
  };
  const observer = new MutationObserver(() => {
    if (closed || restores >= MAX_RESTORES) return;
    if (!host.isConnected || host.getAttribute('style') !== HOST_STYLE) {
      restores += 1;
      host.setAttribute('style', HOST_STYLE);
      attach();
    }
  });

  const close = (): void => {
    closed = true;
    observer.disconnect();
    clearInterval(ticker);
    clearInterval(refresher);
    host.remove();
  };

  /** Only the visitor's own clicks and keys count; a page script's synthetic events do not. */
  const onTrusted = (el: HTMLElement, action: () => void): void => {
    el.addEventListener('click', (event) => {
      if (event.isTrusted) action();
    });
  };

  const button = (label: string, testId: string, action: () => void, primary = false): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: primary ? 'primary' : '', 'data-testid': testId }, label);
    onTrusted(b, action);
    return b;
  };

  const render = (): void => {
    const incident = state?.incident;
    if (!state || !incident) {
      close();
      return;
    }
    const now = Date.now();
    const decision = decisionFor(incident, now);
    const retry = retryView({ record: state.retry, tabId: state.tabId, decision, now });
    const next = guide({ incident, os: (state.os as Os) ?? 'unknown', browser: state.browser as BrowserKind })[0];
    const refresh = (): void => void load();
    const parts: Array<HTMLElement | null> = [
      h(
        'header',
        {},
        h('span', { class: `code severity-${incident.severity}`, 'aria-hidden': 'true' }, incident.badge),
        h('p', { class: 'sentence', 'data-testid': 'panel-sentence' }, t(incident.explanation)),
        button('×', 'panel-close', close),
      ),
      h('p', { class: 'meaning' }, t(incident.meaning)),
      retry
        ? h(
            'div',
            { class: 'retry' },
            h('p', { class: 'retry-status', 'data-testid': 'panel-retry', 'aria-live': 'polite' }, t(retry.status)),
            retry.kind === 'waiting' || retry.kind === 'offline'
              ? h(
                  'p',
                  { class: 'actions' },
                  button(t('retry_now'), 'panel-retry-now', () => void request('panel-retry-now', {}).then(refresh), true),
                  button(t('retry_stop'), 'panel-stop', () => void request('panel-stop-retry', {}).then(refresh)),
                )
              : retry.kind === 'post'
                ? h('p', { class: 'detail' }, t(retry.detail))
                : h('p', { class: 'actions' }, button(t('retry_now'), 'panel-retry-now', () => void request('panel-retry-now', {}).then(refresh), true)),
          )
        : null,
      next ? h('p', { class: 'next' }, h('strong', {}, t('panel_next_step')), ' ', t(next.title)) : null,
      h(
        'footer',
        {},
        button(t('panel_full_guide'), 'panel-guide', () => void request('panel-open-guide', {})),
        button(t('panel_hide_site'), 'panel-hide', () => void request('panel-hide-site', {}).then(close)),
      ),
    ];
    frame.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    // The close button needs words for screen readers.
    frame.querySelector('[data-testid="panel-close"]')?.setAttribute('aria-label', t('panel_close'));
  };

  const tick = (): void => {
    if (!state?.incident || !state.retry) return;
    const el = frame.querySelector('[data-testid="panel-retry"]');
    const view = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(state.incident, Date.now()), now: Date.now() });
    if (el && view) el.textContent = t(view.status);
  };

  const load = async (): Promise<void> => {
    try {
      state = await request('panel-state', {});
    } catch {
      return; // extension reloaded or worker busy: try again on the next refresh
    }
    if (!closed) render();
  };

  frame.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.isTrusted) close();
  });

  const ticker = setInterval(tick, 1000);
  const refresher = setInterval(() => void load(), REFRESH_MS);
  attach();
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });
  void load();
}

main();
