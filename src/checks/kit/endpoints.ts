/**
 * Where the outside sources live in production. Every check reads its URLs from
 * `ctx.endpoints`, so tests and end-to-end runs point them at local stand-ins.
 */
import type { Endpoints } from './types';

/**
 * Popular services whose official status page is an Atlassian Statuspage that cannot be found as
 * `status.<domain>` (brand domains) or that host other people's sites (`*.github.io`, `*.vercel.app`:
 * the platform's status is what matters there). Keys match the host and its subdomains.
 * Checked by hand; keep it small: discovery covers the rest.
 */
export const KNOWN_STATUS_PAGES: Readonly<Record<string, string>> = Object.freeze({
  'github.com': 'https://www.githubstatus.com',
  'github.io': 'https://www.githubstatus.com',
  'githubusercontent.com': 'https://www.githubstatus.com',
  'discord.com': 'https://discordstatus.com',
  'discord.gg': 'https://discordstatus.com',
  'discordapp.com': 'https://discordstatus.com',
  'cloudflare.com': 'https://www.cloudflarestatus.com',
  'pages.dev': 'https://www.cloudflarestatus.com',
  'workers.dev': 'https://www.cloudflarestatus.com',
  'reddit.com': 'https://www.redditstatus.com',
  'bitbucket.org': 'https://bitbucket.status.atlassian.com',
  'npmjs.com': 'https://status.npmjs.org',
  'vercel.com': 'https://www.vercel-status.com',
  'vercel.app': 'https://www.vercel-status.com',
  'netlify.com': 'https://www.netlifystatus.com',
  'netlify.app': 'https://www.netlifystatus.com',
  'docker.com': 'https://www.dockerstatus.com',
});

export const DEFAULT_ENDPOINTS: Readonly<Endpoints> = Object.freeze({
  connectivity: [
    { url: 'https://www.gstatic.com/generate_204', expectStatus: 204 },
    // Its body always names the colo and scheme; a captive portal's page does not.
    { url: 'https://cloudflare.com/cdn-cgi/trace', expectStatus: 200, expectBody: 'visit_scheme=' },
  ],
  doh: [
    { name: 'Cloudflare', url: 'https://cloudflare-dns.com/dns-query' },
    { name: 'Google', url: 'https://dns.google/resolve' },
  ],
  checkHost: 'https://check-host.net',
  globalping: 'https://api.globalping.io',
  statusPages: KNOWN_STATUS_PAGES,
  statusPageDiscovery: 'https://status.{domain}',
  wayback: 'https://archive.org',
});

/**
 * Every endpoint rebased onto one origin (e.g. a local stand-in on 127.0.0.1), keeping each real
 * path; status pages get a `/_/<page host>` prefix so one server can tell them apart.
 */
export function endpointsAt(base: string): Endpoints {
  const b = base.replace(/\/$/, '');
  return {
    connectivity: DEFAULT_ENDPOINTS.connectivity.map((e) => ({ ...e, url: b + new URL(e.url).pathname })),
    doh: DEFAULT_ENDPOINTS.doh.map((r) => ({ ...r, url: b + new URL(r.url).pathname })),
    checkHost: b,
    globalping: b,
    statusPages: Object.fromEntries(Object.entries(KNOWN_STATUS_PAGES).map(([domain, page]) => [domain, `${b}/_/${new URL(page).host}`])),
    statusPageDiscovery: `${b}/_/status.{domain}`,
    wayback: b,
  };
}
