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

/**
 * The host element and its closed root. A page can pre-define `downcheck-panel` as a custom
 * element to run its own code and take the shadow root first: then a name it cannot guess is used.
 */
function createHost(): { host: HTMLElement; root: ShadowRoot } {
  for (const name of ['downcheck-panel', `downcheck-panel-${crypto.randomUUID().slice(0, 8)}`]) {
    try {
      const host = document.createElement(name);
      const root = host.attachShadow({ mode: 'closed' });
      host.setAttribute('style', HOST_STYLE);
      return { host, root };
    } catch {
      // taken by the page: try the unguessable name
    }
  }
  throw new Error('no panel host');
}

function main(): void {
  const g = globalThis as Global;
  if (g[MARK]) return; // injected again on the same page: one panel is enough
  g[MARK] = true;

  const { host, root } = createHost();
  const style = document.createElement('style');
  style.textContent = css;
  const frame = h('aside', { class: 'panel', role: 'region', 'aria-label': t('panel_label'), 'data-testid': 'panel' });
  root.append(style, frame);

  let state: PanelState | undefined;
  let closed = false;
  let restores = 0;

  // A page that blanks itself (`html { display: none }`) would take the panel with it: while the
  // panel is open the root is shown (an inline !important beats any stylesheet), and restored on close.
  let revealed = false;
  const revealRoot = (): void => {
    const rootEl = document.documentElement;
    if (getComputedStyle(rootEl).display !== 'none') return;
    rootEl.style.setProperty('display', 'block', 'important');
    revealed = true;
  };
  const attach = (): void => {
    if (!host.isConnected) document.documentElement.append(host);
    revealRoot();
  };
  const tampered = (): boolean =>
    !host.isConnected ||
    host.getAttribute('style') !== HOST_STYLE ||
    host.attributes.length !== 1 || // e.g. `inert`, `hidden`, `popover`
    document.documentElement.lastElementChild !== host; // something placed after it could cover it
  const observer = new MutationObserver(() => {
    if (closed || restores >= MAX_RESTORES || !tampered()) return;
    restores += 1;
    for (const { name } of [...host.attributes]) if (name !== 'style') host.removeAttribute(name);
    host.setAttribute('style', HOST_STYLE);
    document.documentElement.append(host); // (re)attached as the last child: nothing paints above it
  });

  const close = (): void => {
    closed = true;
    observer.disconnect();
    if (revealed) document.documentElement.style.removeProperty('display');
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

  const ticker = setInterval(() => {
    revealRoot(); // the page may add its blanking stylesheet later
    if (state) tickPanel(frame, state);
  }, 1000);
  const refresher = setInterval(() => void load(), REFRESH_MS);
  attach();
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });
  // Attribute changes on the root element (e.g. `inert` on <html>) are the page's own business.
  void load();
}

main();
