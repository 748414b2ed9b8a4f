import { browser, IS_FIREFOX } from './native';

export async function platformOs(): Promise<string> {
  try {
    return (await browser.runtime.getPlatformInfo()).os;
  } catch {
    return 'unknown';
  }
}

export const BROWSER_KIND: 'chrome' | 'firefox' = IS_FIREFOX ? 'firefox' : 'chrome';
