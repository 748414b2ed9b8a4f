/** The detection strategy of this build: webRequest in Firefox, webNavigation and a status read in Chrome. */
import { DETECTION } from '../../platform/web-request';
import { navigationDetection } from './chrome';
import type { Detection } from './strategy';
import { webRequestDetection } from './firefox-webrequest';

export const detection: Detection = DETECTION === 'webRequest' ? webRequestDetection : navigationDetection;
