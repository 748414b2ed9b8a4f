/** Extension pages → background: what the popup needs of platform/message-server.ts (which re-exports it), without the serving side. */
import { browser } from './native';
import type { Reply, RequestType, Requests } from '../protocol/messages';

/** Sends a typed request to the background and unwraps its reply. */
export async function request<T extends RequestType>(type: T, body: Requests[T]['request']): Promise<Requests[T]['response']> {
  const reply = (await browser.runtime.sendMessage({ type, ...body })) as Reply<T> | undefined;
  if (!reply) throw new Error('no reply from the background');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}
