// The crowd service's address is a build setting: DOWNCHECK_CROWD_URL, checked, becomes import.meta.env.CROWD_URL.
import type { ConfigEnv, UserConfig } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import config from '../../../vite.config';

const saved = process.env.DOWNCHECK_CROWD_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.DOWNCHECK_CROWD_URL;
  else process.env.DOWNCHECK_CROWD_URL = saved;
});

function defineFor(setting: string | undefined, mode = 'chrome'): unknown {
  if (setting === undefined) delete process.env.DOWNCHECK_CROWD_URL;
  else process.env.DOWNCHECK_CROWD_URL = setting;
  const build = config as unknown as (env: ConfigEnv) => UserConfig;
  return build({ mode, command: 'build' }).define?.['import.meta.env.CROWD_URL'];
}

describe('DOWNCHECK_CROWD_URL', () => {
  it('unset or empty: no service, so the feature is not offered', () => {
    expect(defineFor(undefined)).toBe('""');
    expect(defineFor('')).toBe('""');
    expect(defineFor('  ', 'firefox')).toBe('""');
  });

  it('set: the normalised address, in both browsers', () => {
    expect(defineFor('http://127.0.0.1:8787/')).toBe('"http://127.0.0.1:8787"');
    expect(defineFor('https://Crowd.Example/api/', 'firefox')).toBe('"https://crowd.example/api"');
  });

  it('a bad address fails the build instead of shipping it', () => {
    expect(() => defineFor('http://crowd.example')).toThrow(/DOWNCHECK_CROWD_URL.*insecure/);
    expect(() => defineFor('https://user:pw@crowd.example')).toThrow(/credentials/);
  });
});
