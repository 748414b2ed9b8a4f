/**
 * Whether the crowd service may be asked now, and the client the diagnosis's crowd check gets: only with the
 * visitor's crowd opt-in and a service address, in Firefox only with "browsing activity" too. Fails closed.
 */
import { crowdActive, serviceFor } from '../../core/crowd/choice';
import type { LastRead } from '../../core/crowd/should-report';
import { crowdChoiceItem } from '../../core/crowd/stored';
import type { CrowdAccess } from '../../checks/kit/types';
import { builtInServiceUrl, readBucket, readProviders } from '../../platform/crowd-client';
import { hasSiteDataPermission } from '../../platform/data-collection';
import * as store from '../../platform/store';

/** The service's address when the crowd may be used now, else `undefined`. */
export async function activeService(): Promise<string | undefined> {
  const choice = await store.read(crowdChoiceItem).catch(() => undefined);
  const builtIn = builtInServiceUrl();
  if (!choice || !crowdActive(choice, builtIn)) return undefined;
  if (!(await hasSiteDataPermission())) return undefined;
  return serviceFor(choice, builtIn) ?? undefined;
}

/** What the latest bucket reads said of listed hosts (host keys only), for the rule "a widespread host gets no reports". */
const lastReads = new Map<string, LastRead>();
const MAX_LAST_READS = 64;

export function lastReadOf(hostKey: string): LastRead | undefined {
  return lastReads.get(hostKey);
}

function remember(read: LastRead): void {
  lastReads.delete(read.hostKey);
  lastReads.set(read.hostKey, read);
  while (lastReads.size > MAX_LAST_READS) lastReads.delete(lastReads.keys().next().value as string);
}

/** The client for a diagnosis; `undefined` (nobody asked) in a private window or without the opt-in. */
export async function crowdAccess(inPrivate: boolean): Promise<CrowdAccess | undefined> {
  if (inPrivate) return undefined;
  const service = await activeService();
  if (!service) return undefined;
  const value = <T>(result: { outcome: 'ok'; value: T } | { outcome: 'error' }): T | undefined =>
    result.outcome === 'ok' ? result.value : undefined;
  return {
    readBucket: async (prefix, signal) => value(await readBucket(service, prefix, { signal })),
    readProviders: async (signal) => value(await readProviders(service, { signal })),
    onRead: remember,
  };
}
