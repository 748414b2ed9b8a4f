import { describe, expect, it } from 'vitest';
import { connectivityCheck } from '../../../../src/checks/sources/connectivity';
import { DEFAULT_ENDPOINTS } from '../../../../src/checks/kit/endpoints';
import { CLOSED, contextFor, LATE_MS, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

const withEndpoints = (connectivity: Array<{ url: string; expectStatus: number; expectBody?: string }>) => {
  const ctx = contextFor(services);
  return { ...ctx, endpoints: { ...ctx.endpoints, connectivity } };
};

describe('connectivity', () => {
  it('is online when a well-known endpoint answers as always, and tells nobody about the site', async () => {
    const evidence = await connectivityCheck.run(contextFor(services), never());
    expect(evidence).toMatchObject({ check: 'connectivity', outcome: { kind: 'online' }, summary: { key: 'check_connectivity_online' } });
    for (const r of services.log) expect(`${r.path}${r.search}${r.body}`).not.toContain('shop');
    // Google and Cloudflare still learn that this browser is online: only with consent.
    expect(connectivityCheck.needsConsent).toBe(true);
    expect(DEFAULT_ENDPOINTS.connectivity.map((e) => e.url)).toEqual([
      'https://www.gstatic.com/generate_204',
      'https://cloudflare.com/cdn-cgi/trace',
    ]);
  });

  it('checks the trace body, not just its status', async () => {
    const ctx = withEndpoints([{ url: `${services.base}/cdn-cgi/trace`, expectStatus: 200, expectBody: 'visit_scheme=' }]);
    expect((await connectivityCheck.run(ctx, never())).outcome.kind).toBe('online');
    const wrong = withEndpoints([{ url: `${services.base}/cdn-cgi/trace`, expectStatus: 200, expectBody: 'not in there' }]);
    expect((await connectivityCheck.run(wrong, never())).outcome).toMatchObject({ kind: 'intercepted', status: 200 });
  });

  it('spots a captive portal by its redirect to a login page (never followed)', async () => {
    services.setBehaviour({ connectivity: { captive: true } });
    const evidence = await connectivityCheck.run(contextFor(services), never());
    expect(evidence).toMatchObject({ outcome: { kind: 'intercepted', status: 302 }, summary: { key: 'check_connectivity_intercepted' } });
  });

  it('is offline when nothing answers', async () => {
    const ctx = withEndpoints([
      { url: `${CLOSED}/generate_204`, expectStatus: 204 },
      { url: `${CLOSED}/cdn-cgi/trace`, expectStatus: 200 },
    ]);
    expect(await connectivityCheck.run(ctx, never())).toMatchObject({
      outcome: { kind: 'offline', tried: 2 },
      summary: { key: 'check_connectivity_offline' },
    });
  });

  it('does not wait for a hanging endpoint once another answered', async () => {
    services.setBehaviour({ connectivity: { delayMs: 2_000 } });
    const ctx = withEndpoints([
      { url: `${services.base}/generate_204`, expectStatus: 204 }, // delayed 2 s
      { url: `${services.base.replace('127.0.0.1', 'localhost')}/nothing`, expectStatus: 200 }, // the "site" route: immediate 200
    ]);
    const { value, ms } = await timed(connectivityCheck.run(ctx, never()));
    expect(value.outcome).toMatchObject({ kind: 'online' });
    expect(ms).toBeLessThan(1_000);
  });

  it('is offline by the deadline when everything hangs', async () => {
    services.setBehaviour({ connectivity: { fault: 'hang' } });
    const { value, ms } = await timed(connectivityCheck.run(contextFor(services, { deadlineAt: Date.now() + 300 }), never()));
    expect(value.outcome).toMatchObject({ kind: 'offline' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline (300 ms), not the check's own seconds-long timeout
  });

  it('says nothing without endpoints, or when aborted', async () => {
    expect((await connectivityCheck.run(withEndpoints([]), never())).outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
    services.setBehaviour({ connectivity: { fault: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect((await connectivityCheck.run(contextFor(services), controller.signal)).outcome).toEqual({ kind: 'none', reason: 'aborted' });
  });
});
