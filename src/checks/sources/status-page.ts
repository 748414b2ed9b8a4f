/**
 * Status page: what the site's operator says, read through the Atlassian Statuspage API
 * (`<page>/api/v2/status.json` → `status.indicator` none | minor | major | critical | maintenance).
 * The page is taken from a small curated list, else discovered as `status.<registrable domain>`
 * (a discovered page that is missing or not a Statuspage simply means "no page"). Asking a status
 * page tells it which site the user is looking at: needs consent.
 */
import { fetchJson, timeLeft } from '../kit/http';
import { bareHost, isIpLiteral, noEvidence, refuseOutside } from '../kit/no-evidence';
import { registrableDomain } from '../../core/net/domain';
import { MAX_REDIRECT_HOPS } from '../../core/net/next-hop';
import { isRecord, oneOf, text } from '../../core/schema/validate';
import type { Check, CheckContext } from '../kit/types';
import type { EvidenceFor, StatusIndicator, StatusPageOutcome } from '../../model/evidence';

export { registrableDomain };

export const STATUS_PAGE_TIMEOUT_MS = 4_000;
const MAX_BYTES = 64 * 1024;

/** Hosting domains shared by unrelated sites: `status.herokuapp.com` says nothing about `x.herokuapp.com`. */
const SHARED_HOSTING = new Set([
  'herokuapp.com',
  'blogspot.com',
  'wordpress.com',
  'azurewebsites.net',
  'cloudfront.net',
  'amazonaws.com',
  'appspot.com',
  'firebaseapp.com',
  'web.app',
  'fly.dev',
  'onrender.com',
  'glitch.me',
  'ngrok.io',
  'ngrok-free.app',
  'duckdns.org',
  'github.dev',
]);

/** The curated page for `host` or one of its parent domains. */
export function knownStatusPage(host: string, pages: Readonly<Record<string, string>>): string | undefined {
  const labels = bareHost(host).split('.');
  for (let i = 0; i < labels.length - 1; i += 1) {
    const candidate = labels.slice(i).join('.');
    if (Object.prototype.hasOwnProperty.call(pages, candidate)) return pages[candidate];
  }
  return undefined;
}

export function parseStatusJson(json: unknown): { indicator: StatusIndicator; description: string } | undefined {
  if (!isRecord(json) || !isRecord(json.status)) return undefined;
  const indicator = oneOf(json.status.indicator, ['none', 'minor', 'major', 'critical', 'maintenance'] as const);
  if (!indicator) return undefined;
  return { indicator, description: text(json.status.description, 200) ?? '' };
}

function pageBase(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export const statusPageCheck: Check = {
  id: 'status-page',
  needsConsent: true,
  async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'status-page'>> {
    const started = ctx.now();
    const refused = refuseOutside(ctx) ?? (isIpLiteral(ctx.host) ? 'not-applicable' : undefined);
    if (refused) return noEvidence('status-page', refused, 0);

    const known = knownStatusPage(ctx.host, ctx.endpoints.statusPages);
    const domain = registrableDomain(ctx.host);
    const template = ctx.endpoints.statusPageDiscovery;
    const discovered = !known && domain && template && !SHARED_HOSTING.has(domain) ? template.replace('{domain}', domain) : undefined;
    const base = pageBase(known ?? discovered ?? '');
    if (!base)
      return { check: 'status-page', outcome: { kind: 'no-page' }, summary: { key: 'check_status_page_none' }, ms: ctx.now() - started };

    const pageUrl = base.href.replace(/\/$/, '');
    const result = await fetchJson(ctx, `${pageUrl}/api/v2/status.json`, {
      headers: { accept: 'application/json' },
      maxBytes: MAX_BYTES,
      timeoutMs: timeLeft(ctx, STATUS_PAGE_TIMEOUT_MS),
      signal,
      // Status pages move between www. and bare hosts: a few hops, each https, public and on the page's own site.
      follow: { maxHops: MAX_REDIRECT_HOPS, ...siteOf(base) },
      rateKey: `status:${base.host}`,
      parse: parseStatusJson,
    });
    const ms = ctx.now() - started;
    if (!result.ok) {
      const quiet = known === undefined && ['network', 'http-error', 'malformed', 'too-large'].includes(result.reason);
      if (quiet) return { check: 'status-page', outcome: { kind: 'no-page' }, summary: { key: 'check_status_page_none' }, ms };
      return noEvidence('status-page', result.reason, ms, result.retryAt);
    }
    const { indicator, description } = result.value;
    const page = statusPageName(base);
    const outcome: StatusPageOutcome = { kind: 'reported', page, pageUrl, found: known ? 'known' : 'discovered', indicator, description };
    const key =
      indicator === 'none'
        ? 'check_status_page_ok'
        : indicator === 'minor'
          ? 'check_status_page_minor'
          : indicator === 'maintenance'
            ? 'check_status_page_maintenance'
            : 'check_status_page_major';
    return { check: 'status-page', outcome, summary: { key, subs: indicator === 'none' ? [page] : [page, description] }, ms };
  },
};

/** The status page's own site, which every redirect hop must stay on (none known: no hop is followed). */
function siteOf(base: URL): { site: string } | { maxHops: 0 } {
  const site = registrableDomain(base.hostname);
  return site ? { site } : { maxHops: 0 };
}

/** The page's host for display; a local stand-in's `/_/<host>` prefix names the real one. */
function statusPageName(base: URL): string {
  return /^\/_\/([a-z0-9.-]+)/i.exec(base.pathname)?.[1] ?? base.host;
}
