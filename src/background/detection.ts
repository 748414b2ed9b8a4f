/** The detection strategy of this build: webRequest in Firefox, webNavigation and a status read in Chrome. */
import { DETECTION } from '../platform/requests';
import { navigationDetection } from './detect-navigation';
import type { Detection } from './record';
import { webRequestDetection } from './detect-webrequest';

export const detection: Detection = DETECTION === 'webRequest' ? webRequestDetection : navigationDetection;
