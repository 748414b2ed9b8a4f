import { browser, type WebRequest } from './browser';
import type { Reprobe } from '../model/incident';

export { DETECTION } from './browser';

/** What the background needs from a finished top-level or frame response; browser-neutral. */
export interface FrameResponse {
  tabId: number;
  frame: 'main' | 'sub';
  url: string;
  status: number;
  method: string;
  ip?: string;
  proxied?: boolean;
  headers: ReadonlyArray<{ name: string; value?: string }>;
  /** The headers came from this re-probe, not from the response itself (Chrome builds). */
  reprobe?: Reprobe;
  time: number;
}

export interface FrameError {
  tabId: number;
  frame: 'main' | 'sub';
  url: string;
  error: string;
  method: string;
  proxied?: boolean;
  time: number;
}

/** Firefox names the proxy a request went through (`proxyInfo`, null when direct); Chrome never does. */
const proxied = (d: object): boolean => !!(d as { proxyInfo?: unknown }).proxyInfo;

const FILTER: WebRequest.RequestFilter = {
  urls: ['http://*/*', 'https://*/*'],
  types: ['main_frame', 'sub_frame'],
};

type ResponseDetails = WebRequest.OnResponseStartedDetailsType;
/** Everyone who wants a frame's first byte: one browser listener for them all (each listener is one more message per load). */
const responseSubscribers: Array<(d: ResponseDetails) => void> = [];

function onResponseStarted(subscriber: (d: ResponseDetails) => void): void {
  if (!responseSubscribers.length)
    browser.webRequest.onResponseStarted.addListener(
      (d) => {
        for (const s of responseSubscribers) s(d);
      },
      FILTER,
      ['responseHeaders'],
    );
  responseSubscribers.push(subscriber);
}

/**
 * `onResponseStarted` rather than `onCompleted`: the status and headers are known at the first
 * byte, before the page's title can arrive, so a healthy response clears the tab's old incident
 * before any soft-error title check for the new page runs.
 */
export function onFrameResponse(listener: (r: FrameResponse) => void): void {
  onResponseStarted((d) => {
    listener({
      tabId: d.tabId,
      frame: d.type === 'main_frame' ? 'main' : 'sub',
      url: d.url,
      status: d.statusCode,
      method: d.method,
      // Through a proxy, `ip` is the proxy's address, not the site's: leave it out, and say so.
      ...(proxied(d) ? { proxied: true } : d.ip ? { ip: d.ip } : {}),
      headers: d.responseHeaders ?? [],
      time: d.timeStamp,
    });
  });
}

/** A top-level page's first byte came from its server (not from the cache): the same browser listener as {@link onFrameResponse}. */
export function onPageAnswered(listener: (url: string) => void): void {
  onResponseStarted((d) => {
    if (d.type === 'main_frame' && !d.fromCache) listener(d.url);
  });
}

export function onFrameError(listener: (e: FrameError) => void): void {
  browser.webRequest.onErrorOccurred.addListener((d) => {
    listener({
      tabId: d.tabId,
      frame: d.type === 'main_frame' ? 'main' : 'sub',
      url: d.url,
      error: d.error,
      method: d.method,
      ...(proxied(d) ? { proxied: true } : {}),
      time: d.timeStamp,
    });
  }, FILTER);
}
