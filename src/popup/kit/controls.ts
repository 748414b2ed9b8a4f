import { t } from '../../platform/i18n';
import { openExtensionPage, openSettings } from '../../platform/pages';
import { h } from '../../ui/dom';
import { page, type Actions } from './state';

/** A small line icon, drawn in the text colour. */
export function icon(paths: string[]): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const [k, v] of Object.entries({
    viewBox: '0 0 24 24',
    width: '18',
    height: '18',
    'aria-hidden': 'true',
    fill: 'none',
    stroke: 'currentColor',
  }))
    svg.setAttribute(k, v);
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  for (const d of paths) {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** "What is sent?": an i in a circle. */
export const INFO = ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18', 'M12 11v6', 'M12 7.5v.5'];
const CLOCK = ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18', 'M12 7v5l3 2'];
const GEAR = [
  'M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6',
  'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21' +
    'a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 ' +
    '1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1' +
    'a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1' +
    'a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
];

function iconButton(label: string, key: string, paths: string[], action: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'icon-button', 'data-action': key, 'data-focus-key': key, title: label });
  button.setAttribute('aria-label', label);
  button.append(icon(paths));
  button.addEventListener('click', () => void action().then(() => window.close(), showError));
  return button;
}

/** Name, icon, history and settings: always the same place, whatever the state. */
export function topBar(): HTMLElement {
  return h(
    'header',
    { class: 'topbar' },
    h('img', { src: '/icons/icon-32.png', alt: '', width: '24', height: '24' }),
    h('h1', {}, t('extName')),
    iconButton(t('popup_history'), 'history', CLOCK, () => openExtensionPage('src/history/index.html')),
    iconButton(t('popup_settings'), 'settings', GEAR, openSettings),
  );
}

/** A button that runs `action`, then draws what it changed (or says what failed). */
export function actionButton(
  label: string,
  key: string,
  action: () => Promise<unknown>,
  primary: boolean,
  actions: Actions,
): HTMLButtonElement {
  const button = h('button', { type: 'button', class: primary ? 'primary' : '', 'data-focus-key': key, 'data-action': key }, label);
  button.addEventListener('click', () => {
    button.disabled = true;
    void action().then(actions.refresh, showError);
  });
  return button;
}

/** Marks a part that a redraw keeps as it is (with its state and listeners) while `key` is the same. */
export function keep(key: string, el: HTMLElement): HTMLElement {
  el.dataset.keep = key;
  return el;
}

/** A folded section with a visible disclosure marker; stays open across redraws once opened. */
export function fold(id: string, summary: string, ...content: Array<Node | null>): HTMLDetailsElement {
  const details = h('details', { class: 'fold', 'data-fold': id });
  details.open = page.openFolds.has(id);
  details.addEventListener('toggle', () => (details.open ? page.openFolds.add(id) : page.openFolds.delete(id)));
  details.append(h('summary', { 'data-focus-key': `fold-${id}` }, summary), ...content.filter((c): c is Node => c !== null));
  return details;
}

export function showError(error: unknown): void {
  const app = document.getElementById('app');
  app?.append(h('p', { class: 'error', role: 'alert' }, t('popup_error'), ' ', error instanceof Error ? error.message : String(error)));
}

/** Every failure ends on screen, never as an unhandled rejection. */
export const safely = (work: () => Promise<unknown>): void => void work().catch(showError);
