import { normaliseHost } from '../../core/settings/settings';
import { t } from '../../platform/i18n';
import { createCheckMenu, openCheckPage } from '../../platform/entry-points';

/**
 * "Is this site down?" from the address bar (`down example.com`) or the context menu: opens the
 * popup page for that site, which runs the check the visitor can see (only consented sources).
 * Text that is not a host name (or a URL with one) opens nothing.
 */
export async function checkFromEntryPoint(input: string | undefined): Promise<boolean> {
  const site = siteFrom(input);
  if (!site) return false;
  await openCheckPage(site);
  return true;
}

/**
 * The site to check, as the popup's own field takes it (core/net/url.ts siteUrl: no scheme means https):
 * the host name alone when that is enough, else with what the host name alone would lose, `http://`
 * or a port. A page on http://intranet:8080/ is checked there, not on https://intranet/ (which
 * would say "can't tell" about a site that is up).
 */
export function siteFrom(input: string | undefined): string | undefined {
  const text = (input ?? '').trim();
  if (!text || text.length > 2048) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const host = normaliseHost(url.hostname);
    if (!host) return undefined;
    const site = url.port ? `${host}:${url.port}` : host; // url.port is '' on the scheme's default port
    return url.protocol === 'http:' ? `http://${site}` : site;
  } catch {
    return undefined;
  }
}

export const installCheckMenu = (): Promise<void> => createCheckMenu(t('menu_check_site'));
