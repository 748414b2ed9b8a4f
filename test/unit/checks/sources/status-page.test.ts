import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINTS } from '../../../../src/checks/kit/endpoints';
import { knownStatusPage, parseStatusJson, registrableDomain, statusPageCheck } from '../../../../src/checks/sources/status-page';
import { contextFor, expectOnlyHostSent, LATE_MS, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

const github = (overrides = {}) =>
  contextFor(services, {
    host: 'github.com',
    origin: 'https://github.com',
    url: 'https://github.com/org/private-repo/issues?q=secret',
    ...overrides,
  });

describe('status page', () => {
  it('reads the curated page for a popular host (and its subdomains)', async () => {
    for (const host of ['github.com', 'api.github.com', 'someone.github.io']) {
      const evidence = await statusPageCheck.run(github({ host, origin: `https://${host}` }), never());
      expect(evidence, host).toMatchObject({
        check: 'status-page',
        outcome: {
          kind: 'reported',
          page: 'www.githubstatus.com',
          found: 'known',
          indicator: 'none',
          description: 'All Systems Operational',
        },
        summary: { key: 'check_status_page_ok', subs: ['www.githubstatus.com'] },
      });
    }
    expect(
      services.log.every((r) => r.virtualHost === 'www.githubstatus.com' && r.path.endsWith('/api/v2/status.json') && r.search === ''),
    ).toBe(true);
    expect(JSON.stringify(services.log)).not.toMatch(/private-repo|secret/);
    expect(statusPageCheck.needsConsent).toBe(true);
    expect(DEFAULT_ENDPOINTS.statusPages['discord.com']).toBe('https://discordstatus.com');
  });

  it.each([
    ['minor', 'check_status_page_minor'],
    ['major', 'check_status_page_major'],
    ['critical', 'check_status_page_major'],
    ['maintenance', 'check_status_page_maintenance'],
  ])('%s → %s, quoting the page', async (indicator, key) => {
    services.setBehaviour({
      statusPage: { pages: { 'www.githubstatus.com': { indicator, description: 'Partial outage of Git operations' } } },
    });
    const evidence = await statusPageCheck.run(github(), never());
    expect(evidence.summary).toEqual({ key, subs: ['www.githubstatus.com', 'Partial outage of Git operations'] });
  });

  it('cleans the page’s own words', async () => {
    services.setBehaviour({
      statusPage: { pages: { 'www.githubstatus.com': { indicator: 'major', description: `Down\u0000\u202e${'x'.repeat(500)}` } } },
    });
    const evidence = await statusPageCheck.run(github(), never());
    const description = (evidence.outcome as { description: string }).description;
    expect(description.length).toBeLessThanOrEqual(200);
    expect(description).not.toContain('\u0000');
  });

  it('discovers status.<registrable domain> for other sites', async () => {
    services.setBehaviour({ statusPage: { pages: { 'status.shop.example': { indicator: 'major', description: 'Checkout is down' } } } });
    const evidence = await statusPageCheck.run(
      contextFor(services, { host: 'www.eu.shop.example', origin: 'https://www.eu.shop.example' }),
      never(),
    );
    expect(evidence.outcome).toMatchObject({ kind: 'reported', page: 'status.shop.example', found: 'discovered', indicator: 'major' });
    expect(services.log).toHaveLength(1);
    expectOnlyHostSent(services);
  });

  it.each([
    ['a missing page (404 HTML)', {}],
    ['a page that is not a Statuspage', { fault: 'html' }],
    ['a discovery address that refuses', { fault: 'reset' }],
    ['a malformed answer', { fault: 'malformed' }],
  ] as const)('discovery finding %s means "no page"', async (_, fault) => {
    services.setBehaviour({ statusPage: { pages: {}, ...fault } });
    const evidence = await statusPageCheck.run(contextFor(services), never());
    expect(evidence).toMatchObject({ outcome: { kind: 'no-page' }, summary: { key: 'check_status_page_none' } });
  });

  it('a curated page that misbehaves is no evidence', async () => {
    for (const [fault, reason] of [
      ['malformed', 'malformed'],
      ['huge', 'too-large'],
      ['http-500', 'http-error'],
      ['rate-limited', 'rate-limited'],
    ] as const) {
      services.setBehaviour({ statusPage: { fault } });
      expect((await statusPageCheck.run(github(), never())).outcome, fault).toMatchObject({ kind: 'none', reason });
    }
  });

  it('a page that never answers ends at the deadline', async () => {
    services.setBehaviour({ statusPage: { fault: 'hang' } });
    const { value, ms } = await timed(statusPageCheck.run(contextFor(services, { deadlineAt: Date.now() + 300 }), never()));
    expect(value.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline (300 ms), not the check's own seconds-long timeout
  });

  it('asks nothing for shared hosting, private hosts or IP literals, or with discovery off', async () => {
    expect(
      (await statusPageCheck.run(contextFor(services, { host: 'my-app.herokuapp.com', origin: 'https://my-app.herokuapp.com' }), never()))
        .outcome,
    ).toEqual({ kind: 'no-page' });
    expect(
      (await statusPageCheck.run(contextFor(services, { host: 'grafana.internal', origin: 'https://grafana.internal' }), never())).outcome,
    ).toEqual({ kind: 'none', reason: 'private-host' });
    expect((await statusPageCheck.run(contextFor(services, { host: '8.8.8.8', origin: 'https://8.8.8.8' }), never())).outcome).toEqual({
      kind: 'none',
      reason: 'not-applicable',
    });
    const ctx = contextFor(services);
    expect((await statusPageCheck.run({ ...ctx, endpoints: { ...ctx.endpoints, statusPageDiscovery: null } }, never())).outcome).toEqual({
      kind: 'no-page',
    });
    expect(services.log).toHaveLength(0);
  });
});

describe('status page helpers', () => {
  it('registrable domains', () => {
    expect(registrableDomain('www.eu.shop.example')).toBe('shop.example');
    expect(registrableDomain('news.bbc.co.uk')).toBe('bbc.co.uk');
    expect(registrableDomain('co.uk')).toBeUndefined();
    expect(registrableDomain('example.com.')).toBe('example.com');
    expect(registrableDomain('single')).toBeUndefined();
  });

  it('curated lookup ignores inherited keys', () => {
    expect(knownStatusPage('a.constructor.example', {})).toBeUndefined();
    expect(knownStatusPage('x.__proto__', {})).toBeUndefined();
    expect(knownStatusPage('api.github.com', DEFAULT_ENDPOINTS.statusPages)).toBe('https://www.githubstatus.com');
    expect(knownStatusPage('github.com.evil.example', DEFAULT_ENDPOINTS.statusPages)).toBeUndefined();
  });

  it('status.json parsing', () => {
    expect(parseStatusJson({ status: { indicator: 'none', description: 'All Systems Operational' } })).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
    expect(parseStatusJson({ status: { indicator: 'minor' } })).toEqual({ indicator: 'minor', description: '' });
    for (const bad of [null, {}, { status: 'ok' }, { status: { indicator: 'fine' } }]) expect(parseStatusJson(bad)).toBeUndefined();
  });
});
