import { browser, type Runtime } from './browser';
import { webHost } from '../core/net/url';
import { isMessage, isPanelMessage, type Message, type PanelMessage } from '../protocol/messages';

export interface Handlers {
  /** Requests from the extension's own pages (popup, options, guide). */
  page(message: Message): Promise<unknown>;
  /** Requests from the panel injected into a failing tab; `tabId` comes from the browser, not the page. */
  panel(message: PanelMessage, tabId: number): Promise<unknown>;
  /** A top frame's title changed (Chrome builds' status read watches it); tab and address come from the browser. */
  pageTitle(tabId: number, url: string, title: string): Promise<unknown>;
}

/**
 * Serves requests. Extension pages may send any request; a content script in a tab's top frame
 * (the panel, the status read's title watch) only the panel's own and `page-title`, bound to the
 * tab and address the browser names. Anything else — other extensions, web pages, a frame
 * pretending — gets no answer.
 */
export function serveMessages(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    if (!isMessage(message)) return Promise.resolve({ ok: false, error: 'malformed message' });
    let work: Promise<unknown>;
    if (isOwnPage(sender.url)) work = handlers.page(message);
    else if (sender.tab?.id === undefined || sender.frameId !== 0) return undefined;
    else if (isPanelMessage(message)) work = handlers.panel(message, sender.tab.id);
    else if (message.type === 'page-title' && isWebPage(sender.url)) work = handlers.pageTitle(sender.tab.id, sender.url, message.title);
    else return undefined;
    return work.then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

const isWebPage = (url: string | undefined): url is string => webHost(url) !== undefined;

function isOwnPage(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(browser.runtime.getURL(''));
}
