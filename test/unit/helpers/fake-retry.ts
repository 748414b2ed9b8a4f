/**
 * The auto-retry tests' world, on the fake background (fake-background.ts): failing tabs fed through
 * the webRequest strategy's path into the recorder, fake time from NOW, and every tab loaded again
 * counted (`reloads`, `reopened`). Call `useRetryWorld()` once at the top level of the test file.
 */
import { beforeEach } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { alarmClock, site, useFakeBackground } from './fake-background';

const record = {
  ...(await import('../../../src/background/incident/observe')),
  ...(await import('../../../src/background/incident/resume')),
};
const { webRequestDetection } = await import('../../../src/background/detect/firefox-webrequest');
type FrameResponse = import('../../../src/platform/web-request').FrameResponse;
// The webRequest strategy's path into the recorder (src/background/detect/firefox-webrequest.ts).
export const handleFrameResponse = (r: FrameResponse) => record.recordHttpAnswer({ kind: 'http', ...r });
export const handleTabRemoved = record.handleTabRemoved;
export const handleTabChange = (
  ...args: [number, import('../../../src/platform/tabs').TabChange, import('../../../src/platform/tab-info').TabInfo]
) => record.handleTabChange(...args, webRequestDetection);
export const retry = {
  ...(await import('../../../src/background/retry/join')),
  ...(await import('../../../src/background/retry/probe')),
  ...(await import('../../../src/background/retry/controls')),
};
export { site };

export const ORIGIN = 'https://shop.example';
export const { probed } = site;
export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
export const reloads: number[] = [];
export const reopened: string[] = [];

export async function failingTab(url = `${ORIGIN}/cart`, status = 502, extra: Record<string, unknown> = {}): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  await handleFrameResponse({
    tabId: tab.id!,
    frame: 'main',
    url,
    status,
    method: 'GET',
    headers: [{ name: 'Server', value: 'nginx' }],
    time: Date.now(),
    ...extra,
  });
  return tab.id!;
}

/** Lets time pass: live timers fire, and due retry alarms are dispatched as the worker's onAlarm does. */
export const advance = alarmClock(retry.ALARM_PREFIX, retry.retryAlarm);
const { alarmId } = await import('../../../src/platform/alarms');
/** The name of `origin`'s retry alarm: opaque, never the origin itself. */
export const retryAlarmName = async (origin: string): Promise<string> => retry.ALARM_PREFIX + (await alarmId(origin));

export function useRetryWorld(): void {
  useFakeBackground({ now: NOW });
  beforeEach(() => {
    reloads.length = 0;
    (fakeBrowser.tabs as unknown as { reload: (id: number) => Promise<void> }).reload = async (id: number) => {
      reloads.push(id);
    };
    // Chrome builds bring a page back with a fresh GET navigation to its URL (never a reload that
    // could replay a form): that counts as loading it again, too.
    reopened.length = 0;
    const realUpdate = fakeBrowser.tabs.update.bind(fakeBrowser.tabs) as (id: number, props: object) => Promise<unknown>;
    (fakeBrowser.tabs as unknown as { update: (id: number, props: { url?: string }) => Promise<unknown> }).update = async (id, props) => {
      if (props.url === undefined) return realUpdate(id, props);
      reloads.push(id);
      reopened.push(props.url);
      return fakeBrowser.tabs.get(id);
    };
  });
}
