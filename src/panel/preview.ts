/**
 * The panel as it appears on an error page, drawn from a sample incident in an OPEN shadow root:
 * the real panel's root is closed, which also hides it from accessibility checkers and
 * screenshot tools. Used by the end-to-end accessibility check and the store screenshots.
 * `?incident=522|502|post` picks the sample; `&crowd=1` adds the crowd's row (5+ users on 3 networks, just now).
 */
import { classify } from '../core/incident/classify';
import type { PanelState } from '../protocol/messages';
import { h } from '../ui/dom';
import { t } from '../platform/i18n';
import { renderPanel } from './view';
import css from './panel.css?inline';

const now = Date.now();
const samples = {
  '522': classify({
    kind: 'http',
    url: 'https://shop.example/',
    status: 522,
    headers: [
      { name: 'server', value: 'cloudflare' },
      { name: 'cf-ray', value: '8f1a2b3c4d5e6f70-FRA' },
    ],
    time: now,
  }),
  '502': classify({ kind: 'http', url: 'https://shop.example/', status: 502, headers: [{ name: 'server', value: 'nginx' }], time: now }),
  post: classify({
    kind: 'http',
    url: 'https://shop.example/checkout',
    status: 502,
    method: 'POST',
    headers: [{ name: 'server', value: 'nginx' }],
    time: now,
  }),
};
const which = (new URLSearchParams(location.search).get('incident') ?? '522') as keyof typeof samples;
const incident = samples[which] ?? samples['522'];
const state: PanelState = {
  tabId: 1,
  ...(incident ? { incident } : {}),
  ...(which === 'post'
    ? {}
    : {
        retry: {
          origin: 'https://shop.example',
          probeUrl: 'https://shop.example/',
          tabs: [1],
          schedule: {
            origin: 'https://shop.example',
            startedAt: now - 20_000,
            attempt: 3,
            nextAt: now + 12_000,
            notBefore: now,
            pausedOfflineSince: null,
            giveUpAt: now + 1_800_000,
          },
          state: 'waiting',
          probes: 2,
          lastProbe: { at: now - 4000, status: Number(which) },
        },
      }),
  ...(new URLSearchParams(location.search).has('crowd')
    ? {
        diagnosis: {
          verdict: 'down-for-everyone',
          done: true,
          outside: false,
          crowd: { words: [{ key: 'crowdLine', subs: ['5', '3'] }], asOf: now },
        },
      }
    : {}),
  hidden: false,
  os: 'linux',
  browser: 'chrome',
};

// The error page behind the panel, as the sample's server would have shown it.
const backdrop: Record<string, [string, string]> = {
  '522': ['Connection timed out · Error code 522', 'Cloudflare Ray ID: 8f1a2b3c4d5e6f70-FRA'],
  '502': ['502 Bad Gateway', 'nginx'],
  post: ['502 Bad Gateway', 'nginx'],
};
const [title, footer] = backdrop[which] ?? backdrop['522']!;
document.querySelector('#page h1')!.textContent = title;
document.querySelector('#page p')!.textContent = footer;

const host = document.createElement('div');
host.setAttribute('style', 'position: fixed; inset: auto 16px 16px auto; z-index: 10;');
const root = host.attachShadow({ mode: 'open' });
const style = document.createElement('style');
style.textContent = css;
const frame = h('aside', { class: 'panel', role: 'region', 'aria-label': t('panel_label'), 'data-testid': 'panel' });
root.append(style, frame);
document.body.append(host);
const noop = (): void => undefined;
renderPanel(frame, state, { retryNow: noop, stop: noop, openGuide: noop, hideSite: noop, close: noop }, now);
document.documentElement.dataset.ready = 'true';
