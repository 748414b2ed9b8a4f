import { browser, type Runtime } from './browser';
import { pageStatusFrom, type PageStatus } from './page-status-report';
import { isMessage, isPanelMessage, type Message, type PanelMessage } from '../shared/messages';

export { request } from './request';

export interface Handlers {
  /** Requests from the extension's own pages (popup, options, guide). */
  page(message: Message): Promise<unknown>;
  /** Requests from the panel injected into a failing tab; `tabId` comes from the browser, not the page. */
  panel(message: PanelMessage, tabId: number): Promise<unknown>;
  /**
   * Chrome builds: our status read found a 5xx top-level page (sender checked in page-status.ts).
   * Answered `{ ok: true }` once recorded and `{ ok: false }` if recording failed; the status read
   * sends it again unless told ok (a worker stopped first closes the channel: it sends again too).
   */
  pageStatus?(status: PageStatus): Promise<void>;
}

/**
 * Serves requests. Extension pages may send any request; a content script (the panel) only the
 * panel's own, bound to the tab it runs in. Anything else — other extensions, web pages, a frame
 * pretending — gets no answer.
 */
export function serveRequests(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const status = handlers.pageStatus ? pageStatusFrom(message, sender) : undefined;
    // { ok: true } only once recorded: anything else makes the status read send it again.
    if (status)
      return handlers.pageStatus!(status).then(
        () => ({ ok: true }),
        (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
    if (!isMessage(message)) return Promise.resolve({ ok: false, error: 'malformed message' });
    let work: Promise<unknown>;
    if (isOwnPage(sender.url)) work = handlers.page(message);
    else if (isPanelMessage(message) && sender.tab?.id !== undefined && sender.frameId === 0) work = handlers.panel(message, sender.tab.id);
    else return undefined;
    return work.then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

function isOwnPage(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(browser.runtime.getURL(''));
}
