/**
 * The in-page panel, injected (never declared as a content script) into a page that failed.
 * It lives in a closed shadow root on a host element whose inline `!important` styles the page's
 * CSS cannot override; the page's scripts cannot read into it, and synthetic clicks are ignored.
 * If the page removes or restyles the host, it is put back (a bounded number of times).
 */
import type { PanelState } from '../shared/messages';
import { t } from '../platform/i18n';
import { request } from '../platform/messaging';
import { h } from '../ui/dom';
import { renderPanel, tickPanel } from './view';
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

  const load = async (): Promise<void> => {
    try {
      state = await request('panel-state', {});
    } catch {
      return; // extension reloaded or worker busy: try again on the next refresh
    }
    if (closed) return;
    if (!state.incident || state.hidden) {
      close();
      return;
    }
    renderPanel(frame, state, handlers);
  };

  const handlers = {
    retryNow: () => void request('panel-retry-now', {}).then(load),
    stop: () => void request('panel-stop-retry', {}).then(load),
    openGuide: () => void request('panel-open-guide', {}),
    hideSite: () => void request('panel-hide-site', {}).then(close),
    close,
  };

  frame.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.isTrusted) close();
  });

  const ticker = setInterval(() => state && tickPanel(frame, state), 1000);
  const refresher = setInterval(() => void load(), REFRESH_MS);
  attach();
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });
  void load();
}

main();
