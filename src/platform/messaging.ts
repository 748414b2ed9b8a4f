import { browser, type Runtime } from './browser';
import { isMessage, type Message, type Reply, type RequestType, type Requests } from '../shared/messages';

/** Sends a typed request to the background and unwraps its reply. */
export async function request<T extends RequestType>(type: T, body: Requests[T]['request']): Promise<Requests[T]['response']> {
  const reply = (await browser.runtime.sendMessage({ type, ...body })) as Reply<T> | undefined;
  if (!reply) throw new Error('no reply from the background');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

type Handler = (message: Message) => Promise<unknown>;

/**
 * Serves requests from the extension's own pages only: content scripts and web pages (which
 * can reach `runtime.onMessage` through externally_connectable or a compromised frame) are refused.
 */
export function serveRequests(handler: Handler): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id || !isOwnPage(sender.url)) return undefined;
    if (!isMessage(message)) return Promise.resolve({ ok: false, error: 'malformed message' });
    return handler(message).then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

function isOwnPage(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(browser.runtime.getURL(''));
}
