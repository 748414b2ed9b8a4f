/**
 * Detection with webRequest (Firefox builds): every top-level and frame response arrives with
 * its status, headers, method and server address before the page renders; network errors with
 * the browser's error string. Each is handed to the recorder as it is.
 */
import { onFrameError, onFrameResponse } from '../../platform/web-request';
import { onTabChanged } from '../../platform/tabs';
import { handleTabChange, recordHttpAnswer, recordNetworkError, type DetectionFacts } from '../incident/observe';
import { rememberedStatus } from '../incident/judge-soft-error';
import type { Detection } from './strategy';

const facts: DetectionFacts = { statusBeforeComplete: true, servedStatus: rememberedStatus };

export const webRequestDetection: Detection = {
  ...facts,
  start(report) {
    onFrameResponse((r) => void recordHttpAnswer({ kind: 'http', ...r }).catch(report('response')));
    onFrameError((e) => void recordNetworkError(e).catch(report('error')));
    // Firefox filters tab updates at the source (url, title, status): a healthy load wakes nothing else.
    onTabChanged((tabId, change, tab) => void handleTabChange(tabId, change, tab, facts).catch(report('tab change')));
  },
  // Every response was seen: there is nothing more to read from a page.
  inspectTab: () => Promise.resolve(false),
};
