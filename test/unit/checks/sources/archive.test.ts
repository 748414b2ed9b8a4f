import { describe, expect, it } from 'vitest';
import { archiveCheck, parseAvailability, waybackLinkFor } from '../../../../src/checks/sources/archive';
import { contextFor, expectOnlyHostSent, FAILING_URL, LATE_MS, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

describe('archived copy', () => {
  it('asks the Wayback Machine about the origin’s front page only', async () => {
    const evidence = await archiveCheck.run(contextFor(services), never());
    expect(evidence).toMatchObject({
      check: 'archive',
      outcome: {
        kind: 'archived',
        snapshotUrl: 'https://web.archive.org/web/20240315093000/http://shop.example/',
        timestamp: '20240315093000',
        date: '2024-03-15',
      },
      summary: { key: 'check_archive_found', subs: ['2024-03-15'] },
    });
    expect(services.log).toHaveLength(1);
    expect(services.log[0]).toMatchObject({ service: 'wayback', path: '/wayback/available', query: { url: 'https://shop.example/' } });
    expectOnlyHostSent(services);
    expect(archiveCheck.needsConsent).toBe(true);
  });

  it('nothing archived', async () => {
    services.setBehaviour({ wayback: { snapshot: null } });
    expect(await archiveCheck.run(contextFor(services), never())).toMatchObject({
      outcome: { kind: 'not-archived' },
      summary: { key: 'check_archive_missing' },
    });
  });

  it('refuses a snapshot link that does not point into the Wayback Machine', async () => {
    for (const url of [
      'https://evil.example/web/1/x',
      'javascript:alert(1)',
      'https://web.archive.org.evil.example/x',
      'https://user:pw@web.archive.org/x',
    ]) {
      services.setBehaviour({ wayback: { snapshot: { timestamp: '20240315093000', status: '200', url } } });
      expect((await archiveCheck.run(contextFor(services), never())).outcome, url).toEqual({ kind: 'none', reason: 'malformed' });
    }
  });

  it.each([
    ['malformed', 'malformed'],
    ['wrong-shape', 'malformed'],
    ['huge', 'too-large'],
    ['http-500', 'http-error'],
    ['rate-limited', 'rate-limited'],
    ['reset', 'network'],
  ] as const)('%s → none/%s', async (fault, reason) => {
    services.setBehaviour({ wayback: { fault } });
    expect((await archiveCheck.run(contextFor(services), never())).outcome).toMatchObject({ kind: 'none', reason });
  });

  it('a slow answer ends at the deadline', async () => {
    services.setBehaviour({ wayback: { delayMs: 2_000 } });
    const { value, ms } = await timed(archiveCheck.run(contextFor(services, { deadlineAt: Date.now() + 300 }), never()));
    expect(value.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline (300 ms), not the check's own seconds-long timeout
  });

  it('never for private hosts', async () => {
    expect((await archiveCheck.run(contextFor(services, { host: 'router.lan', origin: 'http://router.lan' }), never())).outcome).toEqual({
      kind: 'none',
      reason: 'private-host',
    });
    expect(services.log).toHaveLength(0);
  });

  it('parses the availability answer strictly', () => {
    expect(parseAvailability({ archived_snapshots: {} })).toEqual({ kind: 'not-archived' });
    expect(parseAvailability({ archived_snapshots: { closest: { available: false } } })).toEqual({ kind: 'not-archived' });
    for (const bad of [
      null,
      [],
      {},
      { archived_snapshots: { closest: 'x' } },
      { archived_snapshots: { closest: { available: true, url: 'http://web.archive.org/web/1/x', timestamp: '2024' } } },
    ]) {
      expect(parseAvailability(bad)).toBeUndefined();
    }
  });

  it('builds a read-it-meanwhile link without the query', () => {
    expect(waybackLinkFor(FAILING_URL)).toBe('https://web.archive.org/web/2/https://shop.example/account/orders');
    expect(waybackLinkFor('about:blank')).toBeUndefined();
  });
});
