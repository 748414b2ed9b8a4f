/**
 * The in-page panel's host: a plain `<div>`, never a custom-element name. A page can define any
 * such name first (its constructor's `attachInternals()` then hands it the closed shadow root), and
 * a fixed one would tell every site that Downcheck is installed. No page can redefine `div`, and
 * `attachInternals()` throws on it. What tells the host apart, for the user-origin style sheet
 * that keeps it visible, is an attribute whose name is drawn at random for each panel.
 */
import { HOST_MARK } from '../../model/panel';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The mark from 16 random bytes (26 letters from 256 values: a slight bias, still ~75 bits). */
export function hostMarkFrom(random: Uint8Array): string {
  if (random.length < 16) throw new RangeError('hostMarkFrom needs 16 random bytes');
  return Array.from(random.subarray(0, 16), (b) => LETTERS[b % LETTERS.length]).join('');
}

/** The one selector the user-origin style sheet uses: only the panel's host matches it. */
export function hostSelector(mark: string): string {
  if (!HOST_MARK.test(mark)) throw new RangeError(`not a panel host mark: ${mark}`);
  return `div[${mark}]`;
}

/** The user-origin style sheet for the host and the root element (its `!important` beats every author rule). */
export function hostStyleSheet(mark: string): string {
  const rules = [
    'all: initial',
    'display: block',
    'position: fixed',
    'inset: auto 16px 16px auto',
    'z-index: 2147483647',
    'visibility: visible',
    'opacity: 1',
    'transform: none',
    'filter: none',
    'clip-path: none',
    'mask: none',
    'content-visibility: visible',
    'pointer-events: auto',
    'width: auto',
    'height: auto',
    'min-width: 0',
    'min-height: 0',
    'max-width: none',
    'max-height: none',
    'margin: 0',
    'padding: 0',
    'border: 0',
    'overflow: visible',
    'background: transparent',
    'zoom: 1',
  ];
  // A page that blanks its root (`* { display: none }` covers <html>) would take the panel with it.
  const root = ['display: block', 'visibility: visible', 'opacity: 1', 'content-visibility: visible'];
  const important = (list: string[]): string => list.map((r) => `${r} !important`).join('; ');
  return `${hostSelector(mark)} { ${important(rules)} }\n:root { ${important(root)} }`;
}

/**
 * How often the panel moves itself back to the top of the top layer in answer to the page opening
 * something there: a page that answers each move with one of its own cannot make the two spin.
 */
export const RAISES_PER_SECOND = 10;

/** Whether one more raise fits in the last second, given when the earlier ones were (oldest first). */
export function raiseAllowed(earlier: readonly number[], now: number): boolean {
  return earlier.filter((t) => now - t < 1000).length < RAISES_PER_SECOND;
}
