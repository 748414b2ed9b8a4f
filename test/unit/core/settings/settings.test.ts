import { describe, expect, it } from 'vitest';
import {
  autoRetryAllowed,
  DEFAULT_SETTINGS,
  MAX_SITES,
  normaliseHost,
  panelHiddenOn,
  pickSettings,
  sitePolicy,
  validateSettings,
  withPanelHidden,
  withSitePolicy,
} from '../../../../src/core/settings/settings';
import { isMessage, type RequestType } from '../../../../src/protocol/messages';

describe('validateSettings', () => {
  it('gives defaults for nothing or garbage', () => {
    for (const raw of [undefined, null, 42, 'x', [], {}]) expect(validateSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid values and replaces each invalid one by its default', () => {
    expect(validateSettings({ autoRetry: false, giveUpMinutes: null, alwaysRetry: ['A.example'], neverRetry: ['b.example'] })).toEqual({
      autoRetry: false,
      giveUpMinutes: null,
      alwaysRetry: ['a.example'],
      neverRetry: ['b.example'],
      panelHidden: [],
      panel: true,
      notifications: true,
    });
    expect(validateSettings({ panel: false, notifications: false })).toEqual({ ...DEFAULT_SETTINGS, panel: false, notifications: false });
    expect(validateSettings({ panel: 'no', notifications: 0 })).toEqual(DEFAULT_SETTINGS);
    expect(
      validateSettings({
        autoRetry: 'yes',
        giveUpMinutes: 7,
        alwaysRetry: 'a.example',
        neverRetry: [1, 'ok.example', 'bad host', '<x>', 'ok.example'],
      }),
    ).toEqual({
      ...DEFAULT_SETTINGS,
      neverRetry: ['ok.example'],
    });
    expect(validateSettings({ giveUpMinutes: -1 }).giveUpMinutes).toBe(30);
    expect(validateSettings({ giveUpMinutes: Infinity }).giveUpMinutes).toBe(30);
  });

  it('bounds the site lists', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `s${i}.example`);
    expect(validateSettings({ neverRetry: many }).neverRetry).toHaveLength(500);
  });
});

describe('host names in the site lists', () => {
  it.each([
    ['my_host.example', 'my_host.example'],
    ['_dmarc.example', '_dmarc.example'],
    ['Shop.Example.', 'shop.example'],
    ['  shop.example  ', 'shop.example'],
    ['https://shop.example/cart?x=1', 'shop.example'],
    ['shop.example:8443', 'shop.example'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['192.168.1.20', '192.168.1.20'],
    ['localhost', 'localhost'],
  ])('%s is kept as %s', (raw, host) => expect(normaliseHost(raw)).toBe(host));

  const refused = ['', ' ', 'bad host', '<x>', 'a..b', '-lead.example', 'x'.repeat(300), 'javascript:alert(1)', 'file:///etc/passwd'];
  it.each(refused)('%j is refused', (raw) => expect(normaliseHost(raw)).toBeUndefined());

  it('a host with _ or a trailing dot matches the page it was chosen on', () => {
    const s = validateSettings({ neverRetry: ['my_host.example.'], panelHidden: ['Shop.Example.'] });
    expect(sitePolicy(s, 'my_host.example')).toBe('never');
    expect(sitePolicy(s, 'my_host.example.')).toBe('never');
    expect(panelHiddenOn(s, 'shop.example.')).toBe(true);
    expect(panelHiddenOn(s, 'other.example')).toBe(false);
  });

  it('the cap keeps the newest entries (lists grow at the end)', () => {
    let s = validateSettings({ panelHidden: Array.from({ length: MAX_SITES }, (_, i) => `old${i}.example`) });
    s = withPanelHidden(s, 'new.example');
    expect(s.panelHidden).toHaveLength(MAX_SITES);
    expect(s.panelHidden.at(-1)).toBe('new.example');
    expect(s.panelHidden).not.toContain('old0.example');
    const full = validateSettings({ neverRetry: Array.from({ length: MAX_SITES }, (_, i) => `n${i}.example`) });
    s = withSitePolicy(full, 'latest.example', 'never');
    expect(s.neverRetry.at(-1)).toBe('latest.example');
  });

  it('a host hidden twice is listed once, at its latest place', () => {
    const s = withPanelHidden(withPanelHidden(withPanelHidden(DEFAULT_SETTINGS, 'a.example'), 'b.example'), 'A.example.');
    expect(s.panelHidden).toEqual(['b.example', 'a.example']);
  });
});

describe('pickSettings (local copy and sync copy)', () => {
  const a = { ...DEFAULT_SETTINGS, neverRetry: ['a.example'] };
  const b = { ...DEFAULT_SETTINGS, neverRetry: ['b.example'] };
  it('takes the one saved last', () => {
    expect(pickSettings({ ...a, savedAt: 2 }, { ...b, savedAt: 1 }).neverRetry).toEqual(['a.example']);
    expect(pickSettings({ ...a, savedAt: 1 }, { ...b, savedAt: 2 }).neverRetry).toEqual(['b.example']);
    expect(pickSettings({ ...a, savedAt: 1 }, b).neverRetry).toEqual(['a.example']); // 0.1.0 sync copy vs a saved one
  });
  it('takes whichever exists, defaults for neither', () => {
    expect(pickSettings(a, undefined).neverRetry).toEqual(['a.example']);
    expect(pickSettings(undefined, b).neverRetry).toEqual(['b.example']);
    expect(pickSettings(undefined, 'junk')).toEqual(DEFAULT_SETTINGS);
    expect(pickSettings([], null)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('site policies', () => {
  it('never beats always beats the global switch', () => {
    const s = { ...DEFAULT_SETTINGS, autoRetry: false, alwaysRetry: ['a.example'], neverRetry: ['b.example'] };
    expect(autoRetryAllowed(s, 'a.example')).toBe(true);
    expect(autoRetryAllowed(s, 'b.example')).toBe(false);
    expect(autoRetryAllowed(s, 'c.example')).toBe(false);
    expect(autoRetryAllowed(DEFAULT_SETTINGS, 'c.example')).toBe(true);
    expect(sitePolicy(s, 'b.example')).toBe('never');
  });

  it('withSitePolicy moves a host between lists without duplicates', () => {
    let s = withSitePolicy(DEFAULT_SETTINGS, 'A.example', 'always');
    expect(s.alwaysRetry).toEqual(['a.example']);
    s = withSitePolicy(s, 'a.example', 'never');
    expect(s).toMatchObject({ alwaysRetry: [], neverRetry: ['a.example'] });
    s = withSitePolicy(s, 'a.example', 'default');
    expect(s).toMatchObject({ alwaysRetry: [], neverRetry: [] });
  });
});

describe('isMessage', () => {
  it.each([
    [{ type: 'retry-now', tabId: 3 }, true],
    [{ type: 'stop-retry', tabId: 0 }, true],
    [{ type: 'site-policy', host: 'a.example', policy: 'never' }, true],
    [{ type: 'retry-now', tabId: -1 }, false],
    [{ type: 'retry-now', tabId: '3' }, false],
    [{ type: 'retry-now' }, false],
    [{ type: 'site-policy', host: 'a.example', policy: 'sometimes' }, false],
    [{ type: 'site-policy', host: 'a.example', policy: 'never', tabId: 3 }, true],
    [{ type: 'site-policy', host: 'a.example', policy: 'never', tabId: -1 }, false],
    [{ type: 'site-policy', host: 'a.example', policy: 'never', tabId: '3' }, false],
    [{ type: 'site-policy', host: 'x'.repeat(300), policy: 'never' }, false],
    [{ type: 'eval', code: '1' }, false],
    [null, false],
    ['retry-now', false],
    [{ type: 'inspect-tab', tabId: 4 }, true],
    [{ type: 'watch-site', host: 'a.example' }, true],
    [{ type: 'watch-site', host: '' }, false],
    [{ type: 'watch-site', host: 'x'.repeat(300) }, false],
    [{ type: 'unwatch-site' }, false],
    [{ type: 'inspect-tab' }, false],
    [{ type: 'panel-style', name: 'qwertzuiopasdfgh', on: false }, true],
    // Only a panel host's mark: never a selector that would style the page.
    [{ type: 'panel-style', name: 'body', on: true }, false],
    [{ type: 'panel-style', name: 'downcheck-panel', on: true }, false],
    [{ type: 'panel-style', name: 'qwertzuiopasdfgh], body', on: true }, false],
    [{ type: 'panel-style', name: 'qwertzuiopasdfgh]{}*', on: true }, false],
    [{ type: 'panel-style', name: 'QWERTZUIOPASDFGH', on: true }, false],
    [{ type: 'panel-style', name: 'qwertzuiopasdfgh' }, false],
    [{ type: 'panel-style' }, false],
    [{ type: 'popup-state' }, true],
    [{ type: 'popup-state', tabId: 3, checked: 'http://a.example:8080' }, true],
    [{ type: 'popup-state', tabId: -1 }, false],
    [{ type: 'popup-state', tabId: 1.5 }, false],
    [{ type: 'popup-state', checked: 7 }, false],
    [{ type: 'popup-state', checked: 'x'.repeat(3000) }, false],
    [{ type: 'set-consent', consent: { dns: true } }, true],
    [{ type: 'set-consent', consent: [true] }, false],
    [{ type: 'set-consent', consent: null }, false],
    [{ type: 'set-consent' }, false],
    [{ type: 'consent-not-now', tabId: 2, incidentTime: 1_700_000_000_000 }, true],
    [{ type: 'consent-not-now', tabId: 2 }, false],
    [{ type: 'consent-not-now', tabId: 2, incidentTime: Number.NaN }, false],
    [{ type: 'consent-not-now', incidentTime: 1 }, false],
    [{ type: 'page-title', title: '' }, true],
    [{ type: 'page-title', title: 'x'.repeat(1024) }, true],
    [{ type: 'page-title', title: 'x'.repeat(1025) }, false],
    [{ type: 'page-title', title: 502 }, false],
    [{ type: 'page-title' }, false],
  ])('%j → %s', (value, ok) => expect(isMessage(value)).toBe(ok));

  it('accepts a well-formed example of every request type there is (a new type cannot be forgotten here)', () => {
    // The compiler insists on one example per request type; the check must let each through.
    const examples: { [T in RequestType]: { type: T; [field: string]: unknown } } = {
      'retry-now': { type: 'retry-now', tabId: 1 },
      'stop-retry': { type: 'stop-retry', tabId: 1 },
      'start-retry': { type: 'start-retry', tabId: 1 },
      resubmit: { type: 'resubmit', tabId: 1 },
      'site-policy': { type: 'site-policy', host: 'a.example', policy: 'always' },
      'clear-site-data': { type: 'clear-site-data', tabId: 1, cookies: false },
      'open-url': { type: 'open-url', tabId: 1, url: 'https://status.example/' },
      diagnose: { type: 'diagnose', tabId: 1 },
      'inspect-tab': { type: 'inspect-tab', tabId: 1 },
      'check-site': { type: 'check-site', host: 'a.example' },
      'watch-site': { type: 'watch-site', host: 'http://127.0.0.1:8080' },
      'unwatch-site': { type: 'unwatch-site', host: 'a.example' },
      'panel-state': { type: 'panel-state' },
      'panel-retry-now': { type: 'panel-retry-now' },
      'panel-stop-retry': { type: 'panel-stop-retry' },
      'panel-hide-site': { type: 'panel-hide-site' },
      'panel-open-guide': { type: 'panel-open-guide' },
      'panel-style': { type: 'panel-style', name: 'qwertzuiopasdfgh', on: true },
      'worker-stats': { type: 'worker-stats' },
      'popup-state': { type: 'popup-state', tabId: 1, checked: 'a.example' },
      'set-consent': { type: 'set-consent', consent: { dns: true } },
      'consent-not-now': { type: 'consent-not-now', tabId: 1, incidentTime: 1 },
      'page-title': { type: 'page-title', title: '502 Bad Gateway' },
    };
    for (const example of Object.values(examples)) expect(isMessage(example), example.type).toBe(true);
  });
});
