import { browser } from './browser';
import { IS_FIREFOX } from './native';

/**
 * Firefox can resolve a name the way the browser does (`dns.resolve`, Firefox-only permission
 * "dns"); Chrome cannot, and relies on the address webRequest reports instead.
 */
export const resolveDns: ((host: string) => Promise<string[]>) | undefined = IS_FIREFOX
  ? async (host) => {
      const dns = (browser as unknown as { dns?: { resolve(h: string): Promise<{ addresses: string[] }> } }).dns;
      if (!dns) return [];
      return (await dns.resolve(host)).addresses;
    }
  : undefined;
