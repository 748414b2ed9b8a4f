import type { Incident, PlatformId } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import { mayLoadAgain } from '../retry/policy';
import type { VerdictKind } from '../../model/verdict';

/**
 * The guide: what the visitor can do, best step first. Pure: the order depends on the verdict
 * (or, before there is one, on which side the incident points at); the UI draws the steps and
 * runs their actions through the background.
 */
export type Os = 'win' | 'mac' | 'linux' | 'cros' | 'android' | 'openbsd' | 'fuchsia' | 'ios' | 'unknown';
export type BrowserKind = 'chrome' | 'firefox';

export type StepId =
  | 'retry'
  | 'wait'
  | 'clear-cache'
  | 'change-dns'
  | 'connection'
  | 'vpn'
  | 'other-browser'
  | 'status-page'
  | 'archive'
  | 'contact'
  | 'block'
  | 'isp'
  | 'owner';

export type StepAction =
  | { kind: 'retry-now' }
  | { kind: 'auto-retry' }
  | { kind: 'clear-cache' }
  | { kind: 'clear-cookies' }
  | { kind: 'open-url'; url: string }
  | { kind: 'open-browser-settings'; url: string }
  | { kind: 'copy-report' };

export interface Step {
  id: StepId;
  title: Msg;
  /** Paragraphs and list items, in order. */
  body: Msg[];
  /** Literal text shown as code (commands, addresses): never translated. */
  code?: string[];
  actions: StepAction[];
  /** Folded away by default (site-owner advice). */
  folded?: boolean;
}

export interface GuideInput {
  incident: Incident;
  verdict?: VerdictKind;
  os: Os;
  browser: BrowserKind;
  statusPageUrl?: string;
  archiveUrl?: string;
  /**
   * The tab is in a private window. "Clear this site's data" is not offered there: in Chrome's
   * spanning mode the extension's browsingData call may reach the regular profile's data.
   */
  incognito?: boolean;
}

const ORDER: Record<VerdictKind | 'origin' | 'dns' | 'you' | 'unknown' | 'gateway', StepId[]> = {
  // Clearing the cache rarely fixes a site that is down, but costs nothing to offer last.
  'down-for-everyone': ['wait', 'status-page', 'archive', 'contact', 'retry', 'clear-cache', 'owner'],
  'partly-down': ['wait', 'vpn', 'other-browser', 'status-page', 'archive', 'contact', 'clear-cache', 'owner'],
  'just-you-connection': ['connection', 'vpn', 'change-dns', 'retry', 'other-browser', 'isp'],
  'just-you-dns': ['change-dns', 'clear-cache', 'retry', 'other-browser', 'vpn', 'isp'],
  'blocked-for-you': ['block', 'vpn', 'clear-cache', 'other-browser', 'contact'],
  'back-up': ['retry', 'clear-cache'],
  'cant-tell': ['retry', 'wait', 'clear-cache', 'change-dns', 'other-browser', 'vpn', 'status-page', 'archive', 'contact', 'owner'],
  // Before a verdict: by the side the incident points at.
  origin: ['wait', 'retry', 'status-page', 'archive', 'clear-cache', 'other-browser', 'contact', 'owner'],
  gateway: ['wait', 'retry', 'status-page', 'archive', 'clear-cache', 'contact', 'owner'],
  dns: ['change-dns', 'retry', 'connection', 'other-browser', 'isp', 'contact', 'owner'],
  you: ['connection', 'vpn', 'retry', 'change-dns', 'other-browser', 'isp'],
  unknown: ['retry', 'connection', 'clear-cache', 'change-dns', 'vpn', 'other-browser', 'status-page', 'archive', 'contact', 'owner'],
};

export function guide(input: GuideInput): Step[] {
  const ids = input.verdict ? ORDER[input.verdict] : (ORDER[input.incident.fault] ?? ORDER.unknown);
  return ids.map((id) => STEPS[id](input)).filter((s): s is Step => s !== null);
}

const m = (key: string, ...subs: string[]): Msg => (subs.length ? { key, subs } : { key });

const STEPS: Record<StepId, (input: GuideInput) => Step | null> = {
  retry: ({ incident }) => ({
    id: 'retry',
    title: m('step_retry_title'),
    body: [m(isForm(incident) ? 'step_retry_body_form' : 'step_retry_body')],
    actions: isForm(incident) ? [] : [{ kind: 'retry-now' }],
  }),
  wait: ({ incident }) =>
    isForm(incident) || !incident.retryable
      ? null
      : { id: 'wait', title: m('step_wait_title'), body: [m('step_wait_body')], actions: [{ kind: 'auto-retry' }] },
  'clear-cache': ({ incident, incognito }) =>
    incognito === true
      ? null
      : {
          id: 'clear-cache',
          title: m('step_cache_title'),
          body: [m('step_cache_body', incident.host), m('step_cache_not_cleared'), m('step_cookies_warning')],
          actions: [{ kind: 'clear-cache' }, { kind: 'clear-cookies' }],
        },
  'change-dns': ({ os, browser }) => dnsStep(os, browser),
  connection: () => ({
    id: 'connection',
    title: m('step_connection_title'),
    body: [m('step_connection_body_1'), m('step_connection_body_2'), m('step_connection_body_3')],
    actions: [],
  }),
  vpn: () => ({ id: 'vpn', title: m('step_vpn_title'), body: [m('step_vpn_body')], actions: [] }),
  'other-browser': () => ({ id: 'other-browser', title: m('step_other_title'), body: [m('step_other_body')], actions: [] }),
  'status-page': ({ statusPageUrl }) =>
    statusPageUrl && isHttpUrl(statusPageUrl)
      ? {
          id: 'status-page',
          title: m('step_status_title'),
          body: [m('step_status_body')],
          actions: [{ kind: 'open-url', url: statusPageUrl }],
        }
      : null,
  archive: ({ archiveUrl }) =>
    archiveUrl && isHttpUrl(archiveUrl)
      ? { id: 'archive', title: m('step_archive_title'), body: [m('step_archive_body')], actions: [{ kind: 'open-url', url: archiveUrl }] }
      : null,
  contact: () => ({ id: 'contact', title: m('step_contact_title'), body: [m('step_contact_body')], actions: [{ kind: 'copy-report' }] }),
  // When the connection or its DNS is at fault and the visitor's own fixes did not help: what to tell the provider.
  isp: ({ incident }) => ({
    id: 'isp',
    title: m('step_isp_title'),
    body: [m('step_isp_body'), m('step_isp_tell', incident.host)],
    actions: [],
  }),
  block: () => ({ id: 'block', title: m('step_block_title'), body: [m('step_block_body_1'), m('step_block_body_2')], actions: [] }),
  owner: ({ incident }) => ownerStep(incident),
};

const isForm = (incident: Incident): boolean => !mayLoadAgain(incident.method);
const isHttpUrl = (url: string): boolean => /^https?:\/\/[^\s]+$/i.test(url) && url.length < 2048;

/** Public resolvers: Cloudflare and Google, both address families. */
export const PUBLIC_DNS = {
  cloudflare: ['1.1.1.1', '1.0.0.1', '2606:4700:4700::1111', '2606:4700:4700::1001'],
  google: ['8.8.8.8', '8.8.4.4', '2001:4860:4860::8888', '2001:4860:4860::8844'],
} as const;

const FLUSH: Partial<Record<Os, string>> = {
  win: 'ipconfig /flushdns',
  mac: 'sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder',
  linux: 'resolvectl flush-caches',
};

/** Where the browser's own secure-DNS switch lives; Chrome lets an extension open its settings page, Firefox does not. */
export const SECURE_DNS_SETTINGS: Record<BrowserKind, { url?: string; path: string }> = {
  chrome: { url: 'chrome://settings/security', path: 'chrome://settings/security' },
  firefox: { path: 'about:preferences#privacy' },
};

function dnsStep(os: Os, browser: BrowserKind): Step {
  const osKey = ['win', 'mac', 'linux', 'cros', 'android'].includes(os) ? os : 'other';
  const flush = FLUSH[os];
  const secure = SECURE_DNS_SETTINGS[browser];
  return {
    id: 'change-dns',
    title: m('step_dns_title'),
    body: [
      m('step_dns_intro'),
      m(`step_dns_os_${osKey}_1`),
      m(`step_dns_os_${osKey}_2`),
      m(`step_dns_os_${osKey}_3`),
      flush ? m('step_dns_flush') : m('step_dns_flush_restart'),
      m(`step_dns_secure_${browser}`, secure.path),
    ],
    code: [...PUBLIC_DNS.cloudflare, ...PUBLIC_DNS.google, ...(flush ? [flush] : [])],
    actions: secure.url ? [{ kind: 'open-browser-settings', url: secure.url }] : [],
  };
}

/** Advice for whoever runs the site, tailored to what answered. */
export function ownerAdviceKeys(platform: PlatformId | undefined, status: number | undefined): string[] {
  const keys: string[] = [];
  if (platform === 'cloudflare')
    keys.push(
      status && status >= 520 && status <= 530 ? `owner_cf_${status === 525 || status === 526 ? 'tls' : 'origin'}` : 'owner_cf_origin',
    );
  else if (platform === 'nginx') keys.push(status === 504 ? 'owner_nginx_504' : 'owner_nginx_502');
  else if (platform === 'alb') keys.push('owner_alb');
  else if (platform === 'cloudfront') keys.push('owner_cloudfront');
  else if (platform === 'vercel' || platform === 'netlify') keys.push('owner_serverless');
  else if (platform === 'heroku') keys.push('owner_heroku');
  else keys.push('owner_generic');
  keys.push('owner_app');
  return keys;
}

function ownerStep(incident: Incident): Step | null {
  if (incident.kind === 'network' && incident.netError === 'offline') return null;
  return {
    id: 'owner',
    title: m('step_owner_title'),
    body: ownerAdviceKeys(incident.platform?.id, incident.status).map((key) => m(key)),
    actions: [],
    folded: true,
  };
}
