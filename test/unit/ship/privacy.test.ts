import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ALL_ITEMS } from '../../../src/core/items';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/settings';
import { DEFAULT_ENDPOINTS } from '../../../src/checks/kit/endpoints';
import { bucketPath, PROVIDERS_PATH } from '../../../src/core/crowd/read';
import { parseServiceUrl } from '../../../src/core/crowd/service-url';

const PRIVACY = readFileSync(new URL('../../../PRIVACY.md', import.meta.url), 'utf8');

/** Every stored key family (core/items.ts): whole keys (`limits`, `history`) and prefixes of keyed families (`incident:`, `watch:`). */
const storedKeyFamilies = (): string[] => ALL_ITEMS.map((i) => ('prefix' in i ? i.prefix : i.key));

/** A whole key is named as `key`; a family by its prefix, as `incident:<tab>`. */
const named = (text: string, key: string): boolean => text.includes(key.endsWith(':') ? `\`${key}` : `\`${key}\``);

/** Every host an outside request of src/checks goes to: connectivity, DoH, vantage points, status pages, the archive. */
const outsideHosts = (): string[] => {
  const e = DEFAULT_ENDPOINTS;
  const urls = [
    ...e.connectivity.map((c) => c.url),
    ...e.doh.map((d) => d.url),
    e.checkHost,
    e.globalping,
    ...Object.values(e.statusPages),
    e.wayback,
  ].filter((u): u is string => typeof u === 'string');
  return [...new Set(urls.map((u) => new URL(u).hostname))];
};

describe('PRIVACY.md matches the code', () => {
  it('names every stored key family (ALL_ITEMS), in backquotes', () => {
    const keys = storedKeyFamilies();
    for (const key of [
      'limits',
      'evidence-cache',
      'reachability',
      'history',
      'settings',
      'consent',
      'schema',
      'watch:',
      'retry:',
      'diagnosis:',
    ])
      expect(keys).toContain(key);
    expect(keys.filter((key) => !named(PRIVACY, key))).toEqual([]);
  });

  it('names every setting (core/settings/settings.ts), in backquotes', () => {
    const settings = Object.keys(DEFAULT_SETTINGS);
    expect(settings).toEqual(expect.arrayContaining(['autoRetry', 'panel', 'panelHidden', 'notifications']));
    expect(settings.filter((name) => !PRIVACY.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every outside service host (checks/kit/endpoints.ts) and the status pages found as status.<domain>', () => {
    const hosts = outsideHosts();
    expect(hosts).toEqual(expect.arrayContaining(['www.gstatic.com', 'cloudflare-dns.com', 'dns.google', 'api.globalping.io']));
    expect(hosts.filter((host) => !PRIVACY.includes(host))).toEqual([]);
    expect(new URL(String(DEFAULT_ENDPOINTS.statusPageDiscovery).replace('{domain}', 'x.example')).hostname).toBe('status.x.example');
    expect(PRIVACY).toContain('`status.<domain>`');
  });

  it('names what goes to the crowd service (each request), and the service a build is made with', () => {
    const bucket = bucketPath('abc'.padEnd(64, '0')).replace(/abc$/, '<prefix>');
    for (const request of ['`POST /v1/reports`', `\`GET ${bucket}\``, `\`GET ${PROVIDERS_PATH}\``, '`DOWNCHECK_CROWD_URL`'])
      expect(PRIVACY).toContain(request);
    // A release build names its public service: the policy must name that host too (a local one needs no mention).
    const built = parseServiceUrl(process.env.DOWNCHECK_CROWD_URL ?? '');
    if (built.ok && !/^http:/.test(built.url)) expect(PRIVACY).toContain(new URL(built.url).host);
  });

  it('the checks find what is missing', () => {
    const without = (text: string, cut: string): string => text.split(cut).join('');
    expect(named(without(PRIVACY, '`watch:<origin>`'), 'watch:')).toBe(false);
    expect(named(without(PRIVACY, '`reachability`'), 'reachability')).toBe(false);
    expect(named(PRIVACY, 'watch:')).toBe(true);
    expect(without(PRIVACY, 'www.dockerstatus.com').includes('www.dockerstatus.com')).toBe(false);
  });

  it('the options page links the policy: the build ships PRIVACY.md itself as privacy.txt', () => {
    const vite = readFileSync(new URL('../../../vite.config.ts', import.meta.url), 'utf8');
    expect(vite).toMatch(/fileName: 'privacy\.txt', source: readFileSync\('PRIVACY\.md'/);
  });
});
