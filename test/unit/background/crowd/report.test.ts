// The crowd wired into the background: the incident chain reports a tab's failure to a local stand-in of the
// service (real HTTP), only with the opt-in, once per host per 10 minutes, never for a private window or host,
// a DNS failure only once public DNS vouched; and a service that hangs or answers garbage delays nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { useFakeBackground } from '../../helpers/fake-background';

const { recordIncident } = await import('../../../../src/background/incident/chain');
const { reportFailure } = await import('../../../../src/background/crowd/report');
const { crowdAccess } = await import('../../../../src/background/crowd/access');
const { crowdCheck } = await import('../../../../src/checks/sources/crowd');
const { classify } = await import('../../../../src/core/incident/classify');
const store = await import('../../../../src/platform/store');
const { clearCrowdCache } = await import('../../../../src/platform/crowd-client');
import type { Incident } from '../../../../src/model/incident';
import { crowdChoiceItem, crowdSecretItem, crowdSentItem } from '../../../../src/core/crowd/stored';
import { hostKeyOf } from '../../../../src/core/crowd/report';
import { settingsItem } from '../../../../src/core/settings/stored';
import { DEFAULT_SETTINGS } from '../../../../src/core/settings/settings';

useFakeBackground();

/** The stand-in: every request logged; `mode` says how it answers. */
const service = {
  mode: 'ok' as 'ok' | 'hang' | 'garbage',
  requests: [] as Array<{ method: string; path: string; body: string }>,
  /** Host rows the bucket reads list. */
  hosts: [] as unknown[],
};
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      service.requests.push({ method: req.method!, path: req.url!, body });
      if (service.mode === 'hang') return; // never answers
      if (service.mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"v":1,<<<');
      if (req.method === 'POST') return void res.writeHead(202, { 'content-type': 'application/json' }).end('{"counted":true}');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ v: 1, prefix: req.url!.slice(-3), windowMin: 10, asOf: new Date().toISOString(), hosts: service.hosts }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  service.mode = 'ok';
  service.requests.length = 0;
  service.hosts = [];
  clearCrowdCache();
});

const NOW = Date.now();
const incidentOf = (observation: Parameters<typeof classify>[0]): Incident => classify(observation) as Incident;
const http502 = (url502 = 'https://shop.example/cart?token=secret') =>
  incidentOf({ kind: 'http', url: url502, status: 502, method: 'GET', headers: [], time: NOW });
const dnsFailure = () => incidentOf({ kind: 'network', url: 'https://shop.example/', error: 'net::ERR_NAME_NOT_RESOLVED', time: NOW });
const optIn = () => store.write(crowdChoiceItem, { optIn: true, serviceUrl: url });
const reports = () => service.requests.filter((r) => r.method === 'POST');

/** A tab with a failing page, recorded through the chain as detection does. */
async function failIn(incident: Incident, { incognito = false } = {}): Promise<void> {
  const tab = await fakeBrowser.tabs.create({ url: incident.url });
  await recordIncident(tab.id!, incident, { url: incident.url, incognito }, 'if-loaded');
}

/** Gives the chain's report (not awaited by it) time to be decided and sent. */
const settle = async (): Promise<void> => {
  await reportFailure(http502('https://settle.invalid/'), { incognito: true }); // queued behind the chain's
  await vi.waitFor(() => expect(service.requests.filter((r) => r.method === 'POST' && r.body === '').length).toBe(0));
  await new Promise((r) => setTimeout(r, 100));
};

describe('reporting from the incident chain', () => {
  beforeEach(() => store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false }));

  it('opted out: a 502 sends nothing, and nothing is stored', async () => {
    await failIn(http502());
    await settle();
    expect(service.requests).toEqual([]);
    expect(await fakeBrowser.storage.local.get(['crowd-secret'])).toEqual({});
    expect(await fakeBrowser.storage.session.get(['crowd-sent'])).toEqual({});
  });

  it('opted in: a 502 sends one report with the host key only, and a second within 10 minutes none', async () => {
    await optIn();
    await failIn(http502());
    await vi.waitFor(() => expect(reports()).toHaveLength(1));
    const sent = JSON.parse(reports()[0]!.body) as Record<string, unknown>;
    expect(sent).toMatchObject({ v: 1, hostKey: await hostKeyOf('shop.example'), kind: 'http5xx', status: 502 });
    expect(Object.keys(sent).sort()).toEqual(['hostKey', 'kind', 'reporter', 'status', 'v']);
    expect(reports()[0]!.path).toBe('/v1/reports');
    expect(reports()[0]!.body).not.toMatch(/shop|cart|secret/);
    expect(await store.read(crowdSecretItem)).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.read(crowdSentItem)).toEqual([{ hostKey: sent.hostKey, at: expect.any(Number) }]);

    await failIn(http502('https://shop.example/other'));
    await settle();
    expect(reports()).toHaveLength(1);
    // Another host is its own: reported.
    await failIn(http502('https://news.example/'));
    await vi.waitFor(() => expect(reports()).toHaveLength(2));
  });

  it('ten minutes later the same host is reported again', async () => {
    await optIn();
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await failIn(http502());
    await vi.waitFor(() => expect(reports()).toHaveLength(1));
    vi.setSystemTime(NOW + 10 * 60_000 + 1);
    await failIn(http502());
    await vi.waitFor(() => expect(reports()).toHaveLength(2));
  });

  it('never from a private window, never for a private host, never a soft error or an offline browser', async () => {
    await optIn();
    await failIn(http502(), { incognito: true });
    await failIn(http502('http://localhost:8080/'));
    await failIn(http502('http://192.168.1.10/'));
    await failIn(http502('https://wiki.corp/'));
    await failIn(incidentOf({ kind: 'soft', url: 'https://soft.example/', title: '502 Bad Gateway', time: NOW }));
    await failIn(incidentOf({ kind: 'network', url: 'https://offline.example/', error: 'net::ERR_INTERNET_DISCONNECTED', time: NOW }));
    await settle();
    expect(reports()).toEqual([]);
    expect(await fakeBrowser.storage.local.get(['crowd-secret'])).toEqual({});
  });

  it('a DNS failure: not from the chain; from the diagnosis only once public DNS vouched for the name', async () => {
    await optIn();
    await failIn(dnsFailure());
    await settle();
    expect(reports()).toEqual([]);
    expect(await reportFailure(dnsFailure(), { incognito: false, publicDns: 'unknown' })).toEqual({ skip: 'dns-unverified' });
    expect(await reportFailure(dnsFailure(), { incognito: false, publicDns: 'private' })).toEqual({ skip: 'private-host' });
    expect(reports()).toEqual([]);
    const vouched = await reportFailure(dnsFailure(), { incognito: false, publicDns: 'public' });
    expect(vouched).toMatchObject({ report: { kind: 'dns' } });
    await vi.waitFor(() => expect(reports()).toHaveLength(1));
  });

  it('a host the last bucket read showed as widespread gets no report (enough is known)', async () => {
    await optIn();
    const hostKey = await hostKeyOf('hot.example');
    const since = new Date(Date.now() - 60_000).toISOString();
    service.hosts = [{ hostKey, reporters: 20, networks: 5, level: 'widespread', ratio: null, since }];
    const ctx = { host: 'hot.example', origin: 'https://hot.example', url: 'https://hot.example/', now: Date.now };
    const e = await crowdCheck.run(
      { ...ctx, fetch, endpoints: {} as never, crowd: (await crowdAccess(false))! },
      new AbortController().signal,
    );
    expect(e.outcome).toMatchObject({ kind: 'listed', level: 'widespread' });
    expect(await reportFailure(http502('https://hot.example/'), { incognito: false })).toEqual({ skip: 'widespread' });
    expect(reports()).toEqual([]);
  });

  it('a service that hangs delays nothing: the chain returns, the next failure is decided at once', async () => {
    await optIn();
    service.mode = 'hang';
    const started = performance.now();
    await failIn(http502());
    await vi.waitFor(() => expect(reports()).toHaveLength(1));
    const next = await reportFailure(http502('https://other.example/'), { incognito: false });
    expect('report' in next).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000); // well under the report's 5 s time limit
    await vi.waitFor(() => expect(reports()).toHaveLength(2)); // both hang; neither held the other up
  });

  it('a service that answers garbage: no throw, the report stays recorded (not sent again within 10 minutes)', async () => {
    await optIn();
    service.mode = 'garbage';
    await failIn(http502());
    await vi.waitFor(() => expect(reports()).toHaveLength(1));
    await failIn(http502());
    await settle();
    expect(reports()).toHaveLength(1);
  });
});

describe('the crowd client a diagnosis gets', () => {
  it('none when opted out, none in a private window; one bucket read by the 3-digit prefix when opted in', async () => {
    expect(await crowdAccess(false)).toBeUndefined();
    await optIn();
    expect(await crowdAccess(true)).toBeUndefined();
    const access = (await crowdAccess(false))!;
    const read = await access.readBucket('abc', new AbortController().signal);
    expect(read).toMatchObject({ prefix: 'abc', hosts: [] });
    expect(service.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/buckets/abc']);
  });

  it('garbage or a hanging service reads as no answer, never a throw', async () => {
    await optIn();
    service.mode = 'garbage';
    const access = (await crowdAccess(false))!;
    expect(await access.readBucket('abc', new AbortController().signal)).toBeUndefined();
    service.mode = 'hang';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(await access.readProviders(controller.signal)).toBeUndefined();
  });
});
