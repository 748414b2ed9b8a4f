/**
 * The diagnosis tests' world: the fake browser, and every request the worker makes answered like a
 * world where the site is down and everything else works. Call `useDiagnosisWorld()` once at the top level.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { incidentItem } from '../../../src/core/incident/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const store = await import('../../../src/platform/store');
const { classify } = await import('../../../src/core/incident/classify');
type Incident = import('../../../src/model/incident').Incident;

/** Every request the worker makes, answered like a world where the site is down and everything else works. */
export const requested: string[] = [];
export function fakeFetch(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input));
  requested.push(url.href);
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  if (url.hostname === 'www.gstatic.com') return Promise.resolve(new Response(null, { status: 204 }));
  if (url.hostname === 'cloudflare.com') return Promise.resolve(new Response('fl=1\nvisit_scheme=https\n', { status: 200 }));
  if (url.hostname === 'cloudflare-dns.com' || url.hostname === 'dns.google')
    return Promise.resolve(json({ Status: 0, Answer: [{ name: 'shop.example.', type: 1, TTL: 60, data: '93.184.216.34' }] }));
  if (url.hostname === 'archive.org') return Promise.resolve(json({ archived_snapshots: {} }));
  return Promise.resolve(new Response('bad gateway', { status: 502 }));
}

/** A tab whose page failed with a 502, and its incident as detection stored it. */
export async function failingTab(url: string): Promise<{ tabId: number; incident: Incident }> {
  const tab = await fakeBrowser.tabs.create({ url });
  const incident = classify({
    kind: 'http',
    url,
    status: 502,
    headers: [{ name: 'server', value: 'nginx' }],
    ip: '93.184.216.34',
    time: Date.now(),
  })!;
  await store.write(incidentItem, incident, tab.id!);
  return { tabId: tab.id!, incident };
}

export function useDiagnosisWorld(): void {
  // Connectivity evidence is shared by every host for 30 s (checks/run.ts): each test starts a minute later.
  let clock = Date.UTC(2026, 10, 26, 9, 0, 0);

  afterEach(() => {
    vi.useRealTimers();
  });

  beforeEach(() => {
    clock += 61_000;
    vi.useFakeTimers({ toFake: ['Date'], now: clock });
    fakeBrowser.reset();
    requested.length = 0;
    vi.stubGlobal('fetch', vi.fn(fakeFetch));
  });
}
