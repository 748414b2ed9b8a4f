/**
 * What Chrome builds can tell about a top-level load from webNavigation alone, without webRequest.
 * (Whether a page failed is no longer guessed from its title: every page's status is read once it
 * has loaded, see background/detect/chrome-load.ts.)
 */

/**
 * The request method of a committed top-level navigation, from Chrome's transition type. A form
 * may have been sent with POST or GET and Chrome does not say which: every form submission is
 * taken as a possible POST, so it is never sent again without the visitor's say-so.
 */
export function methodOfTransition(transitionType: unknown): 'GET' | 'POST' {
  return transitionType === 'form_submit' ? 'POST' : 'GET';
}
