/**
 * What the panel shows, drawn into a given frame: shared by the injected panel (closed shadow
 * root in a failing page) and the preview page (open root, for accessibility checks and
 * screenshots). Actions go through `handlers`; only trusted (real user) events trigger them.
 */
import type { PanelCrowdRow, PanelState } from '../protocol/messages';
import { crowdAge } from '../core/crowd/evidence';
import { decisionFor } from '../core/retry/policy';
import { retryView } from '../core/present/retry-view';
import { headlineFor } from '../core/present/verdict-text';
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

const SVG = 'http://www.w3.org/2000/svg';

/** Downcheck's mark, drawn in place (no extension URL the page could use to detect Downcheck). */
function mark(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 32 32', width: '22', height: '22', 'aria-hidden': 'true', class: 'mark' }))
    svg.setAttribute(k, v);
  const circle = document.createElementNS(SVG, 'circle');
  for (const [k, v] of Object.entries({ cx: '16', cy: '16', r: '15', fill: '#1a5fb4' })) circle.setAttribute(k, v);
  const pulse = document.createElementNS(SVG, 'path');
  for (const [k, v] of Object.entries({
    d: 'M5 17h6l3-7 4 13 3-6h6',
    fill: 'none',
    stroke: '#fff',
    'stroke-width': '2.5',
    'stroke-linejoin': 'round',
    'stroke-linecap': 'round',
  })) {
    pulse.setAttribute(k, v);
  }
  svg.append(circle, pulse);
  return svg;
}

/**
 * Name and mark, the verdict-led answer (the popup's words), the one thing to do (retry now while a
 * retry can run, else the full guide), and the ways out: close (this time) or not on this site.
 */
export function renderPanel(frame: HTMLElement, state: PanelState, handlers: PanelHandlers, now = Date.now()): void {
  const incident = state.incident;
  if (!incident) return;
  const retry = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(incident, now), now });
  const retrying = retry?.kind === 'waiting' || retry?.kind === 'offline';
  const d = state.diagnosis;
  const outside = d?.outside === true;
  const answer = headlineFor(d?.done ? d.verdict : undefined, { host: incident.host, incidentKind: incident.kind, outside, retrying });
  const close = button('×', 'panel-close', handlers.close);
  close.setAttribute('aria-label', t('panel_close'));
  close.setAttribute('title', t('panel_close'));
  const canRetry = retry !== undefined && retry.kind !== 'post';
  const guideButton = button(t('panel_full_guide'), 'panel-guide', handlers.openGuide, !canRetry);
  const parts: Array<HTMLElement | null> = [
    h('header', {}, mark(), h('span', { class: 'name' }, t('extName')), close),
    h(
      'p',
      {
        class: 'headline',
        'data-testid': 'panel-answer',
        'data-verdict': answer.kind ?? 'checking',
        'data-outside': String(outside),
        'data-tone': answer.tone,
      },
      t(answer.headline),
    ),
    h('p', { class: 'sentence', 'data-testid': 'panel-sentence' }, t(incident.explanation)),
    d?.crowd ? crowdLine(d.crowd, now) : null,
    retry
      ? h(
          'div',
          { class: 'retry' },
          h('p', { class: 'retry-status', 'data-testid': 'panel-retry', 'aria-live': 'polite' }, t(retry.status)),
          retry.kind === 'waiting' || retry.kind === 'offline'
            ? h(
                'p',
                { class: 'actions' },
                button(t('retry_now'), 'panel-retry-now', handlers.retryNow, true),
                button(t('retry_stop'), 'panel-stop', handlers.stop),
              )
            : retry.kind === 'post'
              ? h('p', { class: 'detail' }, t(retry.detail))
              : h('p', { class: 'actions' }, button(t('retry_now'), 'panel-retry-now', handlers.retryNow, true)),
        )
      : null,
    h('footer', {}, guideButton, button(t('panel_hide_site'), 'panel-hide', handlers.hideSite)),
  ];
  frame.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

/** What other Downcheck users see, and how old that is: "310+ Downcheck users on 12 networks see it failing too (as of 3 min ago)". */
function crowdLine(crowd: PanelCrowdRow, now: number): HTMLElement {
  const age = crowd.asOf !== undefined ? crowdAge(crowd.asOf, now) : undefined;
  return h('p', { class: 'crowd', 'data-testid': 'panel-crowd' }, crowd.words.map((w) => t(w)).join('. '), age ? ` (${t(age)})` : '');
}

/**
 * A line under the header (or none): why a click did nothing. Kept apart from renderPanel so that
 * it survives the panel being redrawn while it holds.
 */
export function showNotice(frame: HTMLElement, text: string | null): void {
  const old = frame.querySelector('[data-testid="panel-notice"]');
  if (!text) {
    old?.remove();
    return;
  }
  if (old?.textContent === text) return;
  const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'panel-notice' }, text);
  if (old) old.replaceWith(notice);
  else frame.querySelector('header')?.after(notice);
}

/** Updates only the countdown line, so focus and screen-reader position survive the tick. */
export function tickPanel(frame: HTMLElement, state: PanelState, now = Date.now()): void {
  if (!state.incident || !state.retry) return;
  const el = frame.querySelector('[data-testid="panel-retry"]');
  const view = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(state.incident, now), now });
  if (el && view) el.textContent = t(view.status);
}
