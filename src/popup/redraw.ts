import { h } from '../ui/dom';
import { safely, topBar } from './kit/controls';
import type { Actions, State } from './kit/state';
import type { Folds, View } from './views/view';
import { healthyView } from './views/healthy';
import { incidentView } from './views/incident';

/** What the folds draw (./folds.ts), once loaded. */
let folds: Folds | undefined;
let foldsLoading: Promise<Folds> | undefined;
/**
 * The folds' contents (the guide's steps, the chain, the evidence, the technical details) come in
 * a module of their own, asked for once the answer and its action are on screen: the first script
 * stays small. Until it arrives (a few ms) the folds hold only what is drawn here.
 */
function loadFolds(): Promise<Folds> {
  foldsLoading ??= import('./views/folds').then((module) => (folds = module));
  return foldsLoading;
}

const foldId = (d: HTMLElement): string => (d.dataset.fold ? `fold:${d.dataset.fold}` : `step:${d.dataset.step ?? ''}`);

/** Draws the one view for `state`, keeping what the visitor is in the middle of: focus, open folds, a consent question. */
export async function render(state: State, actions: Actions): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  const view: View = { state, actions, folds, drawFolds: () => loadFolds().then(actions.redraw) };
  const body = state.incident && state.tabId !== undefined ? incidentView(view, state.incident, state.tabId) : healthyView(state, actions);
  // Redrawing replaces the buttons: keep the keyboard focus where it is now.
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  // What is open now (a key pressed while this redraw was being built counts) stays open.
  const wasOpen = new Map(
    [...app.querySelectorAll<HTMLDetailsElement>('details[data-fold], details[data-step]')].map((d) => [foldId(d), d.open]),
  );
  // A part the visitor may be in the middle of (the consent question: ticks, a pointer pressed on a
  // box) is kept as it is when the redraw draws it again: a click is never lost to a redraw.
  const kept = new Map([...app.querySelectorAll<HTMLElement>('[data-keep]')].map((el) => [el.dataset.keep, el]));
  const fresh = h('div', {}, topBar(), ...body);
  for (const el of fresh.querySelectorAll<HTMLElement>('[data-keep]')) {
    const old = kept.get(el.dataset.keep);
    if (old) el.replaceWith(old);
  }
  app.replaceChildren(...fresh.childNodes);
  for (const d of app.querySelectorAll<HTMLDetailsElement>('details[data-fold], details[data-step]')) {
    const open = wasOpen.get(foldId(d));
    if (open !== undefined) d.open = open;
  }
  if (focused) app.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  // An incident drawn without the folds' contents is not finished: it is drawn again once they are here.
  const unfinished = state.incident !== undefined && !folds;
  app.setAttribute('aria-busy', String(unfinished));
  if (unfinished && !foldsLoading) safely(view.drawFolds);
}
