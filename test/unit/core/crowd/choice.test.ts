// The crowd opt-in as stored: off unless a literal true, a bad address dropped, the build's service as the fallback.
import { describe, expect, it } from 'vitest';
import { crowdActive, DEFAULT_CROWD_CHOICE, serviceFor, validateCrowdChoice } from '../../../../src/core/crowd/choice';

describe('the crowd choice', () => {
  it.each([undefined, null, 'yes', 1, [], { optIn: 'true' }, { optIn: 1 }])('%j reads as opted out, no address', (raw) => {
    expect(validateCrowdChoice(raw)).toEqual(DEFAULT_CROWD_CHOICE);
  });

  it('keeps a literal true and a good address in its normal form', () => {
    expect(validateCrowdChoice({ optIn: true, serviceUrl: 'https://crowd.example/api/' })).toEqual({
      optIn: true,
      serviceUrl: 'https://crowd.example/api',
    });
  });

  it.each(['http://crowd.example', 'https://u:p@crowd.example', 'ftp://x', 'https://x/?q', 'x'.repeat(300), 42])(
    'drops the bad address %j (the build’s own applies)',
    (serviceUrl) => {
      expect(validateCrowdChoice({ optIn: true, serviceUrl })).toEqual({ optIn: true, serviceUrl: null });
    },
  );

  it('the visitor’s address wins over the build’s; with neither, no service and nothing active', () => {
    expect(serviceFor({ optIn: true, serviceUrl: 'https://mine.example' }, 'https://built.example')).toBe('https://mine.example');
    expect(serviceFor({ optIn: true, serviceUrl: null }, 'https://built.example/')).toBe('https://built.example');
    expect(serviceFor({ optIn: true, serviceUrl: null }, '')).toBeNull();
    expect(serviceFor({ optIn: true, serviceUrl: null }, undefined)).toBeNull();
    expect(crowdActive({ optIn: true, serviceUrl: null }, undefined)).toBe(false);
    expect(crowdActive({ optIn: false, serviceUrl: null }, 'https://built.example')).toBe(false);
    expect(crowdActive({ optIn: true, serviceUrl: null }, 'http://127.0.0.1:8787')).toBe(true);
  });
});
