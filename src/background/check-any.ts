import { normaliseHost } from '../core/settings';
import { t } from '../platform/i18n';
import { createCheckMenu, openCheckPage } from '../platform/entry-points';

/**
 * "Is this site down?" from the address bar (`down example.com`) or the context menu: opens the
 * popup page for that host, which runs the check the visitor can see (only consented sources).
 * Text that is not a host name (or a URL with one) opens nothing.
 */
export async function checkFromEntryPoint(input: string | undefined): Promise<boolean> {
  const host = hostFrom(input);
  if (!host) return false;
  await openCheckPage(host);
  return true;
}

export function hostFrom(input: string | undefined): string | undefined {
  const text = (input ?? '').trim();
  if (!text || text.length > 2048) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return normaliseHost(url.hostname);
  } catch {
    return undefined;
  }
}

export const installCheckMenu = (): Promise<void> => createCheckMenu(t('menu_check_site'));
