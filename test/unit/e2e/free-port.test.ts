// freePort() (test/fixtures/demo-site.mjs): ports meant to stay closed come from outside the range `listen(0)` draws
// from, from the process's own part of it (E2E_PORT_RANGE), free, and never twice.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';

const load = async (range?: string) => {
  vi.resetModules();
  if (range !== undefined) vi.stubEnv('E2E_PORT_RANGE', range);
  return import('../../fixtures/demo-site.mjs');
};
const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server));
  });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('freePort', () => {
  it('by default, ports in 20000–29999 (below the ephemeral 32768–60999), none twice', async () => {
    vi.stubEnv('E2E_PORT_RANGE', undefined);
    const { freePort, DEFAULT_PORT_RANGE } = await load();
    expect(DEFAULT_PORT_RANGE).toBe('20000-29999');
    const ports = [];
    for (let i = 0; i < 40; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port >= 20000 && port <= 29999, String(port)).toBe(true);
  });

  it('only from E2E_PORT_RANGE, skipping a port something listens on, until none is left', async () => {
    const busy = await listen(20471);
    try {
      const { freePort } = await load('20470-20473');
      const ports = [await freePort(), await freePort(), await freePort()];
      expect(ports.sort()).toEqual([20470, 20472, 20473]);
      await expect(freePort()).rejects.toThrow(/no free port in 20470-20473/);
    } finally {
      busy.close();
    }
  });

  it('refuses a range it cannot use', async () => {
    const { freePort } = await load('80-90');
    await expect(freePort()).rejects.toThrow(/E2E_PORT_RANGE must be low-high/);
  });
});
