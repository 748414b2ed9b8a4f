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
   * Answered (with nothing) once recorded, so a status read whose worker was stopped first sends it again.
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
    if (status) return handlers.pageStatus!(status).then(() => ({ ok: true }));
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
