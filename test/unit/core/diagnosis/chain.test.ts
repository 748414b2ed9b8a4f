import { describe, expect, it } from 'vitest';
import { chainFor } from '../../../../src/core/diagnosis/chain';
import { classify } from '../../../../src/core/incident/classify';

const http = (status: number, headers: Array<[string, string]> = []) =>
  classify({ kind: 'http', url: 'https://shop.example/', status, headers: headers.map(([name, value]) => ({ name, value })), time: 0 })!;
const net = (error: string) => classify({ kind: 'network', url: 'https://shop.example/', error, time: 0 })!;
const states = (nodes: ReturnType<typeof chainFor>) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('chainFor', () => {
  it('Cloudflare 522: the site’s own server behind the gateway failed, with the data centre shown', () => {
    const nodes = chainFor(
      http(522, [
        ['Server', 'cloudflare'],
        ['CF-RAY', '8f1a2b3c4d5e6f70-FRA'],
      ]),
    );
    expect(states(nodes)).toEqual({ you: 'ok', dns: 'ok', gateway: 'ok', origin: 'failed' });
    expect(nodes.find((n) => n.id === 'gateway')?.detail).toBe('Cloudflare · FRA');
  });
  it('no gateway known: three links', () => {
    expect(states(chainFor(http(500)))).toEqual({ you: 'ok', dns: 'ok', origin: 'failed' });
  });
  it('Cloudflare 530: the origin name does not resolve behind the gateway', () => {
    expect(states(chainFor(http(530, [['Server', 'cloudflare']]))).origin).toBe('failed');
  });
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', { dns: 'failed', origin: 'ok' }],
    ['net::ERR_INTERNET_DISCONNECTED', { you: 'failed' }],
    ['net::ERR_CONNECTION_REFUSED', { origin: 'failed' }],
    ['net::ERR_CONNECTION_RESET', { origin: 'unknown', dns: 'unknown' }],
  ])('%s', (error, expected) => expect(states(chainFor(net(error)))).toMatchObject(expected));
  it('a verdict overrides: just your DNS, just your connection, back up', () => {
    expect(states(chainFor(http(502), 'just-you-dns'))).toEqual({ you: 'ok', dns: 'failed', origin: 'ok' });
    expect(states(chainFor(http(502), 'just-you-connection')).you).toBe('failed');
    expect(Object.values(states(chainFor(http(502), 'back-up')))).toEqual(['ok', 'ok', 'ok']);
  });
});
