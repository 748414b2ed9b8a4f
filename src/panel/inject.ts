/**
 * The in-page panel, injected (never declared as a content script) into a page that failed.
 * It lives in a closed shadow root on a host element whose inline `!important` styles the page's
 * CSS cannot override; the page's scripts cannot read into it, and synthetic clicks are ignored.
 * If the page removes or restyles the host, it is put back (a bounded number of times).
 * Against pages that hide everything, two stronger tools: a user-origin style sheet for the host
 * (inserted by the background; its `!important` beats any author rule, inline ones included), and
 * the top layer (a manual popover), which paints above any z-index and any overlay the page adds.
 */
import type { PanelState } from '../shared/messages';
import { t } from '../platform/i18n';
import { request } from '../platform/request';
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
]
  .map((rule) => `${rule} !important`)
  .join('; ');
const REFRESH_MS = 5000;
/**
 * While the diagnosis runs (or has not started), its answer is looked for every second, for at most
 * a minute: the panel says it as soon as the popup would, and a page left open does not keep asking.
 */
const REFRESH_CHECKING_MS = 1000;
const CHECKING_FOR_MS = 60_000;
/** The top layer (popover) where the browser has it (Chrome 114, Firefox 125). */
const TOP_LAYER = typeof HTMLElement.prototype.showPopover === 'function';
/** The attributes the host may carry: anything else (`inert`, `hidden`…) was added by the page. */
const OWN_ATTRIBUTES = new Set(['style', 'popover']);
const MAX_RESTORES = 20;

type Global = typeof globalThis & { [MARK]?: boolean };
const ignore = (): void => undefined;

/**
 * `downcheck-panel-` and 8 random hex digits. `crypto.getRandomValues`, not `crypto.randomUUID`:
 * a page served over plain http on a public host is no secure context, and there `randomUUID`
 * does not exist (the panel then never appeared on such pages).
 */
const unguessableName = (): string =>
  `downcheck-panel-${Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * The host element and its closed root. A page can pre-define `downcheck-panel` as a custom
 * element to run its own code and take the shadow root first: then a name it cannot guess is used.
 */
function createHost(): { host: HTMLElement; root: ShadowRoot } {
  for (const name of ['downcheck-panel', unguessableName]) {
    try {
      const host = document.createElement(typeof name === 'function' ? name() : name);
      const root = host.attachShadow({ mode: 'closed' });
      host.setAttribute('style', HOST_STYLE);
      if (TOP_LAYER) host.setAttribute('popover', 'manual');
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
  /** Into the top layer (again: leaving the document, or the page's hidePopover, takes it out). */
  const raise = (): void => {
    if (!TOP_LAYER || closed || !host.isConnected) return;
    try {
      if (host.getAttribute('popover') !== 'manual') host.setAttribute('popover', 'manual');
      if (!host.matches(':popover-open')) host.showPopover();
    } catch {
      // not shown as a popover (e.g. the page made it a dialog): the inline and user styles still hold
    }
  };
  const attach = (): void => {
    if (!host.isConnected) document.documentElement.append(host);
    revealRoot();
    raise();
  };
  const foreign = (): boolean => [...host.attributes].some(({ name }) => !OWN_ATTRIBUTES.has(name));
  const tampered = (): boolean =>
    !host.isConnected ||
    host.getAttribute('style') !== HOST_STYLE ||
    foreign() || // e.g. `inert`, `hidden`
    (TOP_LAYER && host.getAttribute('popover') !== 'manual') ||
    // Something placed after it could cover it, unless it is in the top layer, above everything.
    (document.documentElement.lastElementChild !== host && !(TOP_LAYER && host.matches(':popover-open')));
  const observer = new MutationObserver(() => {
    if (closed) return;
    // Back into the top layer costs nothing and is not bounded: a page re-hiding it every 100 ms loses every time.
    if (host.isConnected && !foreign()) raise();
    if (restores >= MAX_RESTORES || !tampered()) return;
    restores += 1;
    for (const { name } of [...host.attributes]) if (!OWN_ATTRIBUTES.has(name)) host.removeAttribute(name);
    host.setAttribute('style', HOST_STYLE);
    if (!host.isConnected || !(TOP_LAYER && host.matches(':popover-open'))) document.documentElement.append(host);
    raise();
  });
  // The page may close the popover itself (hidePopover): open it again.
  host.addEventListener('toggle', () => raise());

  const close = (): void => {
    closed = true;
    observer.disconnect();
    if (revealed) document.documentElement.style.removeProperty('display');
    if (TOP_LAYER && host.matches(':popover-open')) host.hidePopover();
    void request('panel-style', { name: host.localName, on: false }).catch(ignore);
    clearInterval(ticker);
    clearTimeout(refresher);
    host.remove();
  };

  let refresher: ReturnType<typeof setTimeout> | undefined;
  const shownAt = Date.now();
  const load = async (): Promise<void> => {
    clearTimeout(refresher);
    let answered = true;
    try {
      state = await request('panel-state', {});
    } catch {
      answered = false; // extension reloaded or worker busy: try again on the next refresh
    }
    if (closed) return;
    const checking = !state?.diagnosis?.done && Date.now() - shownAt < CHECKING_FOR_MS;
    refresher = setTimeout(() => void load(), checking ? REFRESH_CHECKING_MS : REFRESH_MS);
    if (!answered || !state) return;
    if (!state.incident || state.hidden) {
      close();
      return;
    }
    renderPanel(frame, state, handlers);
  };

  const handlers = {
    // A request that fails (the extension was reloaded, the worker is busy) leaves the panel as it is.
    retryNow: () => void request('panel-retry-now', {}).then(load, ignore),
    stop: () => void request('panel-stop-retry', {}).then(load, ignore),
    openGuide: () => void request('panel-open-guide', {}).catch(ignore),
    hideSite: () => void request('panel-hide-site', {}).then(close, ignore),
    close,
  };

  frame.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.isTrusted) close();
  });

  const ticker = setInterval(() => {
    revealRoot(); // the page may add its blanking stylesheet later
    raise();
    if (state) tickPanel(frame, state);
  }, 1000);
  attach();
  // The user-origin style sheet for this host's name (the page cannot out-rank it).
  void request('panel-style', { name: host.localName, on: true }).catch(ignore);
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });
  // Attribute changes on the root element (e.g. `inert` on <html>) are the page's own business.
  void load();
}

main();
