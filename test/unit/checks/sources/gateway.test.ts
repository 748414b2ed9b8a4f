import { describe, expect, it } from 'vitest';
import { gatewayCheck } from '../../../../src/checks/sources/gateway';
import type { CheckContext } from '../../../../src/checks/kit/types';
import { DEFAULT_ENDPOINTS } from '../../../../src/checks/kit/endpoints';
import { classify } from '../../../../src/core/incident/classify';
import type { Incident } from '../../../../src/model/incident';
import { never } from '../helpers';

const url = 'https://shop.example/cart?x=1';
const http = (status: number, headers: Array<{ name: string; value: string }> = []): Incident =>
  classify({ kind: 'http', url, status, headers, time: 1 })!;
const network = (error: string): Incident => classify({ kind: 'network', url, error, time: 1 })!;
const ctx = (incident?: Incident): CheckContext => ({
  host: 'shop.example',
  origin: 'https://shop.example',
  url,
  fetch: () => Promise.reject(new Error('the gateway check must not fetch')),
  endpoints: DEFAULT_ENDPOINTS,
  now: Date.now,
  ...(incident ? { incident } : {}),
});
const cloudflare = [
  { name: 'server', value: 'cloudflare' },
  { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
];

describe('gateway', () => {
  it.each([
    [
      'Cloudflare 522',
      http(522, cloudflare),
      { failed: 'gateway-to-origin', siteAnswered: true, status: 522, platform: 'Cloudflare', pop: 'FRA' },
    ],
    ['Cloudflare 530', http(530, cloudflare), { failed: 'origin-dns', status: 530 }],
    ['Cloudflare-branded 502', http(502, cloudflare), { failed: 'gateway-to-origin' }],
    ['nginx 504', http(504, [{ name: 'server', value: 'nginx' }]), { failed: 'gateway-to-origin', platform: 'nginx' }],
    ['bare 500', http(500), { failed: 'origin', siteAnswered: true }],
    ['nginx 500', http(500, [{ name: 'server', value: 'nginx' }]), { failed: 'origin' }],
    ['DNS error', network('net::ERR_NAME_NOT_RESOLVED'), { failed: 'name-lookup', siteAnswered: false, netError: 'dns' }],
    ['offline', network('net::ERR_INTERNET_DISCONNECTED'), { failed: 'your-connection' }],
    ['refused', network('net::ERR_CONNECTION_REFUSED'), { failed: 'refused' }],
    ['timed out', network('net::ERR_CONNECTION_TIMED_OUT'), { failed: 'path' }],
    ['Firefox reset', network('NS_ERROR_NET_RESET'), { failed: 'path' }],
  ])('%s', async (_, incident, expected) => {
    const evidence = await gatewayCheck.run(ctx(incident), never());
    expect(evidence.outcome).toMatchObject({ kind: 'link', ...expected });
    expect(evidence.summary).toEqual(incident.explanation);
    expect(evidence.ms).toBe(0);
  });

  it('has nothing to say without an incident', async () => {
    expect((await gatewayCheck.run(ctx(), never())).outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
    expect(gatewayCheck.needsConsent).toBe(false);
  });
});
