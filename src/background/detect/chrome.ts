/**
 * Detection without webRequest (Chrome builds; holding webRequest there costs every request of
 * every page, see README "Detection and its cost"). Nothing runs while a healthy page loads but
 * one webNavigation commit (its transition type, for the method); no tabs.onUpdated listener
 * (Chrome cannot filter it: a handful of events per load, each waking the worker). The sources:
 * - webNavigation's completed loads: the status and title of every top-level web page are read
 *   once its load has completed (platform/navigation.ts readPageAnswer, an isolated world, after
 *   the load event, so the load itself does not wait for it); a 5xx is recorded whatever the
 *   page's title, a healthy page ends the tab's incident, if any, and a healthy page titled like
 *   a gateway error is judged as a soft error;
 * - webNavigation's same-document changes (pushState, fragments): a tab that left its failing
 *   page ends its incident, and the new address's title is judged like a completed page's;
 * - webNavigation's errors: network failures, and an empty 5xx (Chrome's own error page,
 *   ERR_HTTP_RESPONSE_CODE_FAILURE), whose status the header re-probe supplies;
 * - at every worker start, the open tabs (chrome-resume.ts reconcileTabs): events Chrome dropped while it stopped
 *   the worker, and pages loaded before Downcheck was.
 * A failed page's own headers are not visible: one re-probe fetches the gateway's, once the
 * site's quiet time (core/retry/quiet.ts) allows a request.
 */
import { onNavigationError, onPageLoaded, onSameDocumentChange } from '../../platform/navigation';
import { unregisterLegacyPageStatus } from '../../platform/page-status';
import type { Detection } from './strategy';
import { CHROME_FACTS, handlePageLoaded, handleSameDocumentChange, handleTitleChanged } from './chrome-load';
import { handleNavigationError, inspectTab } from './chrome-failed-page';
import { resumeFailures } from './chrome-resume';

export const navigationDetection: Detection = {
  ...CHROME_FACTS,
  start(report) {
    void unregisterLegacyPageStatus().catch(report('status script'));
    onPageLoaded((load) => void handlePageLoaded(load).catch(report('page')));
    onSameDocumentChange((tabId, url) => void handleSameDocumentChange(tabId, url).catch(report('same document')));
    onNavigationError((e) => void handleNavigationError(e).catch(report('error')));
  },
  inspectTab,
  resume: resumeFailures,
  titleChanged: handleTitleChanged,
};
