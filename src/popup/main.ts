import { t, uiLanguage } from '../platform/i18n';
import { onKeysChanged } from '../platform/store-changes';
import { localize } from '../ui/dom';
import { safely } from './kit/controls';
import { render } from './redraw';
import { inspectOnce, load, type Actions, type State } from './kit/state';
import { currentRetryView } from './views/retry';

/** What is on screen; none until the first answer from the worker. */
let state: State | undefined;

const actions: Actions = {
  refresh: async () => {
    state = await load();
    await actions.redraw();
  },
  redraw: () => (state ? render(state, actions) : Promise.resolve()),
};

/** The countdown ticks in place; everything else redraws only when what it was drawn from changes. */
function tick(): void {
  const el = document.querySelector('[data-testid="retry-status"]');
  if (!el || !state?.incident || state.tabId === undefined) return;
  const view = currentRetryView(state, state.incident, state.tabId);
  if (view) el.textContent = t(view.status);
}

document.documentElement.lang = uiLanguage();
localize(document, t);
safely(() => actions.refresh().then(() => state && inspectOnce(state)));
onKeysChanged(
  () => state?.readFrom,
  () => safely(actions.refresh),
);
setInterval(tick, 1000);
