/**
 * The Chrome detection tests' world: a status read (executeScript) in every top-level page once it
 * has loaded, webNavigation's errors, and one re-probe for a failed page's headers. The page's
 * status, the open tabs and the site's answers are stand-ins, set by each test; e2e proves the same
 * against real nginx in real Chromium. Call `useChromeWorld()` once at the top level of the test file.
 */
import { beforeEach, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import type { HeaderProbeResult } from '../../../src/platform/probe';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));

/** What each page was served with, by URL (a missing one cannot be read: a browser error page, a PDF). */
export const pageStatus = new Map<string, number>();
/** Each page's document.title as the status read returns it. */
export const pageTitle = new Map<string, string>();
export const statusReads: string[] = [];
/** Method of each tab's last committed load (form submissions: POST). */
export const commits = new Map<number, 'GET' | 'POST'>();
/** Tabs whose top frame shows Chrome's own error page (webNavigation.getFrame's errorOccurred). */
export const errorPages = new Set<number>();
/** The open web tabs as tabs.query lists them (fake-browser keeps no titles or load status). */
export const webTabList: Array<import('../../../src/platform/tabs').WebTab> = [];
export const headerProbes: string[] = [];
export const world = {
  /** When the page's answer arrived, as its status read says; the time of the read when unset. */
  answeredAt: undefined as number | undefined,
  /** The site, as the header re-probe sees it. */
  siteAnswer: { status: 502, headers: [], redirected: false } as Omit<HeaderProbeResult, 'at'>,
  duringProbe: undefined as (() => Promise<void>) | undefined,
};
vi.mock('../../../src/platform/navigation', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readPageStatus: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    return pageStatus.get(url);
  }),
  readPageAnswer: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    const status = pageStatus.get(url);
    const title = pageTitle.get(url);
    return status === undefined ? undefined : { status, time: world.answeredAt ?? Date.now(), ...(title ? { title } : {}) };
  }),
  showsErrorPage: vi.fn(async (tabId: number) => errorPages.has(tabId)),
}));
vi.mock('../../../src/platform/tabs', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  webTabs: vi.fn(async () => webTabList),
}));
vi.mock('../../../src/platform/probe', () => ({
  probe: vi.fn(async () => ({ status: 502, ms: 1 })),
  probeHeaders: vi.fn(async (url: string) => {
    headerProbes.push(url);
    await world.duringProbe?.();
    return { ...world.siteAnswer, at: Date.now() };
  }),
}));

const messages = en as Record<string, { message: string }>;
const { handlePageLoaded } = await import('../../../src/background/detect/chrome-load');

export const NGINX = [
  { name: 'server', value: 'nginx/1.22.1' },
  { name: 'date', value: 'Wed, 25 Nov 2026 06:00:00 GMT' },
];

export async function newTab(url = 'https://shop.example/cart'): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

export const loaded = (tabId: number, extra: Partial<Parameters<typeof handlePageLoaded>[0]> = {}) =>
  handlePageLoaded({ tabId, url: 'https://shop.example/cart', method: 'GET', time: 1_790_000_000_000, ...extra });
/** A page served with `status` finished loading (its committed load's method, GET unless a form submission). */
export const reported = (tabId: number, status: number, url = 'https://shop.example/cart') => {
  pageStatus.set(url, status);
  return handlePageLoaded({ tabId, url, method: commits.get(tabId) ?? 'GET', time: Date.now() });
};

export function useChromeWorld(): void {
  beforeEach(() => {
    fakeBrowser.reset();
    pageStatus.clear();
    pageTitle.clear();
    statusReads.length = 0;
    world.answeredAt = undefined;
    headerProbes.length = 0;
    world.duringProbe = undefined;
    commits.clear();
    errorPages.clear();
    webTabList.length = 0;
    vi.useRealTimers();
    world.siteAnswer = { status: 502, headers: NGINX, redirected: false };
    fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
      const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
      return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
    }) as typeof fakeBrowser.i18n.getMessage;
  });
}
