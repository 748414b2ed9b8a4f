/**
 * What the page has put in the top layer (open popovers, modal dialogs, a fullscreen element),
 * for the in-page panel: anything there could be drawn over it. The page may hide such an element
 * in a closed shadow root of its own; only an extension can look in (Chrome's
 * `dom.openOrClosedShadowRoot()`, Firefox's `element.openOrClosedShadowRoot`).
 */
import { browser, IS_FIREFOX } from './native';

type ChromeDom = { dom?: { openOrClosedShadowRoot?(element: HTMLElement): ShadowRoot | null } };
/** In Firefox a property of the element, not a function (MDN, "dom.openOrClosedShadowRoot()"). */
type FirefoxElement = Element & { readonly openOrClosedShadowRoot?: ShadowRoot | null };

/** `element`'s shadow root, open or closed. */
function anyShadowRoot(element: Element): ShadowRoot | null {
  try {
    if (IS_FIREFOX) return (element as FirefoxElement).openOrClosedShadowRoot ?? element.shadowRoot;
    const dom = (browser as unknown as ChromeDom).dom;
    return (element instanceof HTMLElement ? dom?.openOrClosedShadowRoot?.(element) : null) ?? element.shadowRoot;
  } catch {
    return element.shadowRoot;
  }
}

const TOP_LAYER_STATES = [':popover-open', ':modal', ':fullscreen'];

function inTopLayer(element: Element): boolean {
  return TOP_LAYER_STATES.some((state) => {
    try {
      return element.matches(state);
    } catch {
      return false; // a state this browser does not know: nothing of it can be open
    }
  });
}

/** Whether anything but `own` is in the top layer: checked in the light DOM only (cheap enough for a timer). */
export function topLayerInDocument(own: Element): boolean {
  for (const state of TOP_LAYER_STATES) {
    try {
      if ([...document.querySelectorAll(state)].some((element) => element !== own)) return true;
    } catch {
      // unknown to this browser
    }
  }
  return false;
}

/**
 * Whether anything but `own` is, or may still be drawn, in the top layer: every shadow root
 * looked into, and an element leaving it with a long `overlay` transition (it stays drawn there,
 * though no longer open) counts too. For the moment of a click.
 */
export function topLayerAnywhere(own: Element): boolean {
  const visit = (root: Document | ShadowRoot): boolean => {
    for (const element of root.querySelectorAll('*')) {
      if (element === own) continue;
      if (inTopLayer(element)) return true;
      const shadow = anyShadowRoot(element);
      if (shadow && visit(shadow)) return true;
    }
    return false;
  };
  if (visit(document)) return true;
  try {
    const leaving = (a: Animation): boolean => a instanceof CSSTransition && a.transitionProperty === 'overlay';
    return typeof CSSTransition !== 'undefined' && document.getAnimations().some(leaving);
  } catch {
    return false;
  }
}
