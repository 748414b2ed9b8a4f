/**
 * Detection with webRequest (Firefox builds): every top-level and frame response arrives with
 * its status, headers, method and server address before the page renders; network errors with
 * the browser's error string. Each is handed to the recorder as it is.
 */
import { onFrameError, onFrameResponse } from '../../platform/web-request';
import { onTabChanged } from '../../platform/tabs';
import { handleTabChange, recordHttpAnswer, recordNetworkError, rememberedStatus, type Detection } from '../incident/record';

export const webRequestDetection: Detection = {
  start(report) {
    onFrameResponse((r) => void recordHttpAnswer({ kind: 'http', ...r }).catch(report('response')));
    onFrameError((e) => void recordNetworkError(e).catch(report('error')));
    // Firefox filters tab updates at the source (url, title, status): a healthy load wakes nothing else.
    onTabChanged((tabId, change, tab) => void handleTabChange(tabId, change, tab, webRequestDetection).catch(report('tab change')));
  },
  statusBeforeComplete: true,
  servedStatus: rememberedStatus,
  // Every response was seen: there is nothing more to read from a page.
  inspectTab: () => Promise.resolve(false),
};
