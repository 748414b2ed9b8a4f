/**
 * The in-page panel, injected (never declared as a content script) into a page that failed.
 * It lives in a closed shadow root on a plain `<div>` (no name a page could define first or look
 * for; see core/present/panel-host.ts) styled from inside (`:host` rules marked `!important`, which the
 * page's CSS cannot override); the page's scripts cannot read into it, and synthetic clicks are ignored.
 * If the page removes or restyles the host, it is put back (a bounded number of times).
 * Against pages that hide everything, two stronger tools: a user-origin style sheet for the host
 * (inserted by the background; its `!important` beats any author rule, inline ones included), and
 * the top layer (a manual popover), which paints above any z-index and any overlay the page adds.
 * What the page opens in the top layer later would be drawn over it: the panel moves back on top,
 * and a click acts only while nothing of the page's is there (a decoy could pass clicks through).
 */
import type { PanelState } from '../protocol/messages';
import { t } from '../platform/i18n';
import { request } from '../platform/message-client';
import { h } from '../ui/dom';
import { hostMarkFrom, raiseAllowed, RAISES_PER_SECOND } from '../core/present/panel-host';
import { topLayerAnywhere, topLayerInDocument } from '../platform/top-layer';
import { renderPanel, showNotice, tickPanel } from './view';
import css from './panel.css?inline';

const MARK = '__downcheckPanel';
const REFRESH_MS = 5000;
/**
 * While the diagnosis runs (or has not started), its answer is looked for every second, for at most
 * a minute: the panel says it as soon as the popup would, and a page left open does not keep asking.
 */
const REFRESH_CHECKING_MS = 1000;
const CHECKING_FOR_MS = 60_000;
/** The top layer (popover) where the browser has it (Chrome 114, Firefox 125). */
const TOP_LAYER = typeof HTMLElement.prototype.showPopover === 'function';
const MAX_RESTORES = 20;
/** How long the panel says why a click did nothing. */
const NOTICE_MS = 10_000;

type Global = typeof globalThis & { [MARK]?: boolean };
const ignore = (): void => undefined;

/**
 * The host and its closed root. The random mark (an attribute) is what the user-origin style sheet
 * selects; `crypto.getRandomValues`, which exists on plain-http pages too (`randomUUID` does not).
 */
function createHost(): { host: HTMLElement; root: ShadowRoot; mark: string } {
  const mark = hostMarkFrom(crypto.getRandomValues(new Uint8Array(16)));
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'closed' });
  host.setAttribute(mark, '');
  if (TOP_LAYER) host.setAttribute('popover', 'manual');
  return { host, root, mark };
}

function main(): void {
  const g = globalThis as Global;
  if (g[MARK]) return; // injected again on the same page: one panel is enough
  g[MARK] = true;

  const { host, root, mark } = createHost();
  /** The attributes the host may carry: anything else (`inert`, `hidden`, `is`, `style`…) was added by the page. */
  const ownAttributes = new Set(['popover', mark]);
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
      // not shown as a popover (e.g. the page made it a dialog): the :host and user styles still hold
    }
  };
  const attach = (): void => {
    if (!host.isConnected) document.documentElement.append(host);
    revealRoot();
    raise();
  };
  const foreign = (): boolean => [...host.attributes].some(({ name }) => !ownAttributes.has(name));
  const tampered = (): boolean =>
    !host.isConnected ||
    !host.hasAttribute(mark) ||
    foreign() || // e.g. `inert`, `hidden`, `style`
    (TOP_LAYER && host.getAttribute('popover') !== 'manual') ||
    // Something placed after it could cover it, unless it is in the top layer, above everything.
    (document.documentElement.lastElementChild !== host && !(TOP_LAYER && host.matches(':popover-open')));
  const observer = new MutationObserver(() => {
    if (closed) return;
    // Back into the top layer costs nothing and is not bounded: a page re-hiding it every 100 ms loses every time.
    if (host.isConnected && !foreign()) raise();
    if (restores >= MAX_RESTORES || !tampered()) return;
    restores += 1;
    for (const { name } of [...host.attributes]) if (!ownAttributes.has(name)) host.removeAttribute(name);
    host.setAttribute(mark, '');
    if (!host.isConnected || !(TOP_LAYER && host.matches(':popover-open'))) document.documentElement.append(host);
    raise();
  });
  // The page may close the popover itself (hidePopover): open it again.
  host.addEventListener('toggle', () => raise());

  // The top layer is drawn in the order things were shown: hidden and shown again, the panel is on top.
  const raises: number[] = [];
  const raiseToTop = (): void => {
    if (!TOP_LAYER || closed || !host.isConnected) return;
    const now = Date.now();
    if (!raiseAllowed(raises, now)) return; // a page answering each raise with its own: the click check still holds
    raises.push(now);
    if (raises.length > RAISES_PER_SECOND) raises.shift();
    try {
      if (host.matches(':popover-open')) host.hidePopover();
    } catch {
      // already on its way out
    }
    raise();
  };
  // Something of the page's opened in the top layer (popover, dialog, fullscreen): once the page's
  // call has returned (a microtask), the panel goes back above it. A page can swallow these events;
  // the one-second check and the check at each click do not depend on them.
  const onLayerEvent = (event: Event): void => {
    if (event.target === host || (event as Partial<ToggleEvent>).newState === 'closed') return;
    queueMicrotask(raiseToTop);
  };
  const LAYER_EVENTS = ['beforetoggle', 'toggle', 'fullscreenchange'];
  for (const type of LAYER_EVENTS) window.addEventListener(type, onLayerEvent, true);
  // showModal() sets `open`, which no page can keep a MutationObserver from seeing.
  const dialogs = new MutationObserver((records) => {
    if (records.some((r) => r.target !== host)) raiseToTop();
  });

  // A real click counts only while nothing of the page's could be drawn over the panel: a decoy
  // there with `pointer-events: none` turns the visitor's clicks on it into clicks on the panel.
  let noticeUntil = 0;
  const noticeText = (): string | null => (Date.now() < noticeUntil ? t('panel_covered') : null);
  const guarded = (action: () => void) => (): void => {
    if ((TOP_LAYER && !host.matches(':popover-open')) || topLayerAnywhere(host)) {
      raiseToTop();
      noticeUntil = Date.now() + NOTICE_MS;
      showNotice(frame, noticeText());
      return;
    }
    action();
  };

  const close = (): void => {
    closed = true;
    observer.disconnect();
    dialogs.disconnect();
    for (const type of LAYER_EVENTS) window.removeEventListener(type, onLayerEvent, true);
    if (revealed) document.documentElement.style.removeProperty('display');
    if (TOP_LAYER && host.matches(':popover-open')) host.hidePopover();
    void request('panel-style', { name: mark, on: false }).catch(ignore);
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
    showNotice(frame, noticeText());
  };

  const handlers = {
    // A request that fails (the extension was reloaded, the worker is busy) leaves the panel as it is.
    retryNow: guarded(() => void request('panel-retry-now', {}).then(load, ignore)),
    stop: guarded(() => void request('panel-stop-retry', {}).then(load, ignore)),
    openGuide: guarded(() => void request('panel-open-guide', {}).catch(ignore)),
    hideSite: guarded(() => void request('panel-hide-site', {}).then(close, ignore)),
    close: guarded(close),
  };

  // The keyboard needs focus inside the panel, which no layer over it can give: Escape always closes.
  frame.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.isTrusted) close();
  });

  const ticker = setInterval(() => {
    revealRoot(); // the page may add its blanking stylesheet later
    if (topLayerInDocument(host)) raiseToTop();
    else raise();
    if (state) tickPanel(frame, state);
    showNotice(frame, noticeText());
  }, 1000);
  attach();
  // The user-origin style sheet for this host's name (the page cannot out-rank it).
  void request('panel-style', { name: mark, on: true }).catch(ignore);
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });
  dialogs.observe(document.documentElement, { subtree: true, attributeFilter: ['open'] });
  // Attribute changes on the root element (e.g. `inert` on <html>) are the page's own business.
  void load();
}

main();
