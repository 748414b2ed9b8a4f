/**
 * The background worker's entry point: listeners registered synchronously at top level (so a
 * stopped worker is woken by the event that needs it), no state kept in globals.
 */
import { onFrameError, onFrameResponse } from '../platform/requests';
import { onTabChanged, onTabRemoved } from '../platform/tabs';
import { handleFrameError, handleFrameResponse, handleTabChange, handleTabRemoved } from './detect';

const report = (where: string) => (error: unknown) => console.error(`Downcheck ${where}:`, error);

onFrameResponse((r) => void handleFrameResponse(r).catch(report('response')));
onFrameError((e) => void handleFrameError(e).catch(report('error')));
onTabChanged((tabId, change, tab) => void handleTabChange(tabId, change, tab).catch(report('tab change')));
onTabRemoved((tabId) => void handleTabRemoved(tabId).catch(report('tab removed')));
