import type { Incident } from '../shared/incident';
import type { Recovery, RetryRecord } from '../shared/retry';
import { decisionFor } from '../core/retry-policy';
import { retryView, formatWait } from '../core/retry-view';
import { sitePolicy, type SitePolicy } from '../core/settings';
import { describeUrl, originOf } from '../core/url';
import { t, uiLanguage } from '../platform/i18n';
import { request } from '../platform/messaging';
import { readSettings } from '../platform/settings';
import { onSessionChanged, readDiagnosis, readHistory, readIncident, readRecovery, readRetry } from '../platform/storage';
import { activeTab, getTab, type TabInfo } from '../platform/tabs';
import { h, localize } from '../ui/dom';
import { CONSENT_SOURCES, DEFAULT_CONSENT, type Consent } from '../core/consent';
import { CONFIDENCE_KEYS, VERDICT_KEYS, type VerdictKind } from '../core/verdict';
import { isPrivateHost } from '../core/url';
import type { DiagnosisRecord } from '../shared/diagnosis';
import { readConsent } from '../platform/consent';
import { outsideCheckView, verdictView } from './diagnosis-view';
import type { Os } from '../core/guide';
import { BROWSER_KIND, platformOs } from '../platform/browser-info';
import { chainView, guideView } from './guide-view';

const HISTORY_SHOWN = 5;

interface State {
  tabId?: number;
  os: string;
  diagnosis?: DiagnosisRecord;
  siteCheck?: DiagnosisRecord;
  consent: Consent;
  isWeb: boolean;
  incident?: Incident;
  retry?: RetryRecord;
  recovery?: Recovery;
  policy: SitePolicy;
  /** The tab is in a private window (some steps are not offered there). */
  incognito?: boolean;
}

let state: State = { isWeb: true, policy: 'default', os: 'unknown', consent: DEFAULT_CONSENT };
let confirmResubmit = false;

/** The popup shows the active tab; opened as the full guide in a tab of its own, the tab named in `?tab=`. */
async function targetTab(): Promise<(TabInfo & { id: number }) | undefined> {
  const wanted = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(wanted) && wanted > 0) {
    const tab = await getTab(wanted);
    return tab ? { ...tab, id: wanted } : undefined;
  }
  return activeTab();
}

async function load(): Promise<State> {
  const tab = await targetTab();
  const info = tab?.url ? describeUrl(tab.url) : undefined;
  const isWeb = info ? info.ok && info.isWeb : true;
  const [os, consent, siteCheck] = await Promise.all([platformOs(), readConsent(), readDiagnosis('site')]);
  if (!tab) return { isWeb, policy: 'default', os, consent, siteCheck };
  const incident = await readIncident(tab.id);
  const origin = originOf(incident?.url);
  const [retry, recovery, settings, diagnosis] = await Promise.all([
    origin ? readRetry(origin) : undefined,
    readRecovery(tab.id),
    readSettings(),
    readDiagnosis(tab.id),
  ]);
  return {
    tabId: tab.id,
    incognito: tab.incognito,
    isWeb,
    incident,
    retry,
    recovery,
    os,
    consent,
    siteCheck,
    // A diagnosis of an earlier incident of this tab is not this one's.
    ...(diagnosis && diagnosis.incidentTime === incident?.time ? { diagnosis } : {}),
    policy: incident ? sitePolicy(settings, incident.host) : 'default',
  };
}

async function render(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  // Redrawing replaces the buttons: keep the keyboard focus where it was.
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  const guideEl =
    state.incident && state.tabId !== undefined
      ? await guideView({ tabId: state.tabId, incident: state.incident, os: state.os as Os, browser: BROWSER_KIND, incognito: state.incognito !== false, ...guideExtras(state.diagnosis), retrying: state.retry?.tabs.includes(state.tabId) === true && state.retry.state !== 'gave-up', onChange: () => void refresh() })
      : null;
  app.replaceChildren(
    h('header', { class: 'brand' }, h('img', { src: '/icons/icon-32.png', alt: '', width: '20', height: '20' }), h('h1', {}, t('extName'))),
    state.incident ? incidentView(state.incident, guideEl) : healthyView(),
    await historyView(state.incident),
  );
  if (focused) app.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  app.setAttribute('aria-busy', 'false');
}

function incidentView(incident: Incident, guideEl: HTMLElement | null): HTMLElement {
  const rows: Array<[string, string | undefined]> = [
    ['popup_label_status', incident.status !== undefined ? String(incident.status) : incident.badge],
    ['popup_label_platform', incident.platform?.name ?? t('platform_unknown')],
    ['popup_label_datacentre', incident.platform?.pop],
    ['popup_label_reference', incident.reference ? `${incident.reference.kind}: ${incident.reference.value}` : undefined],
    ['popup_label_address', incident.ip],
    ['popup_label_retry_after', incident.retryAfter],
    ['popup_label_time', formatTime(incident.time)],
  ];
  return h(
    'section',
    { class: `incident severity-${incident.severity}`, 'data-testid': 'incident', 'aria-labelledby': 'incident-meaning' },
    h('p', { class: 'code', 'aria-hidden': 'true' }, incident.badge),
    h('h2', { id: 'incident-meaning' }, t(incident.meaning)),
    h('p', { class: 'explanation' }, t(incident.explanation)),
    incident.kind === 'soft' ? h('p', { class: 'note' }, t('popup_soft_note')) : null,
    chainView(incident, state.diagnosis?.done ? state.diagnosis.verdict.kind : undefined),
    verdictView(state.diagnosis),
    state.tabId !== undefined && !state.diagnosis?.outside
      ? outsideCheckView(state.consent, incident.host, isPrivateHost(incident.host), () => void request('diagnose', { tabId: state.tabId! }))
      : null,
    retrySection(incident),
    guideEl,
    h(
      'details',
      { class: 'facts' },
      h('summary', {}, t('popup_details')),
      h('dl', {}, ...rows.flatMap(([label, value]) => (value ? [h('dt', {}, t(label)), h('dd', {}, value)] : []))),
    ),
  );
}

function retrySection(incident: Incident): HTMLElement | null {
  if (state.tabId === undefined) return null;
  const tabId = state.tabId;
  const view = retryView({ record: state.retry, tabId, decision: decisionFor(incident, Date.now()), now: Date.now() });
  if (!view) return null;
  const button = (key: string, action: () => Promise<unknown>, primary = false) =>
    actionButton(t(key), key, action, primary);
  const actions: Array<HTMLElement | null> = [];
  switch (view.kind) {
    case 'waiting':
    case 'offline':
      actions.push(button('retry_now', () => request('retry-now', { tabId }), true), button('retry_stop', () => request('stop-retry', { tabId })));
      break;
    case 'gave-up':
    case 'off':
      actions.push(button('retry_now', () => request('retry-now', { tabId }), true), button('retry_start', () => request('start-retry', { tabId })));
      break;
    case 'post':
      actions.push(
        confirmResubmit
          ? h(
              'div',
              { class: 'warning', role: 'alert' },
              h('p', {}, t('retry_resubmit_warning')),
              button('retry_resubmit_confirm', () => request('resubmit', { tabId }), true),
              button('retry_resubmit_cancel', async () => (confirmResubmit = false)),
            )
          : button('retry_resubmit', async () => (confirmResubmit = true)),
      );
      break;
  }
  return h(
    'section',
    { class: `retry retry-${view.kind}`, 'data-testid': 'retry', 'aria-labelledby': 'retry-status' },
    h('p', { id: 'retry-status', class: 'retry-status', 'data-testid': 'retry-status' }, t(view.status)),
    h('p', { class: 'retry-detail' }, t(view.detail)),
    h('div', { class: 'actions' }, ...actions),
    view.kind === 'post' ? null : policyControl(incident.host),
  );
}

function policyControl(host: string): HTMLElement {
  const select = h(
    'select',
    { id: 'site-policy', 'data-focus-key': 'site-policy' },
    ...(['default', 'always', 'never'] as const).map((p) => {
      const option = h('option', { value: p }, t(`retry_policy_${p}`));
      option.selected = p === state.policy;
      return option;
    }),
  );
  select.addEventListener('change', () => {
    const policy = select.value as SitePolicy;
    void request('site-policy', { host, policy }).then(refresh, showError);
  });
  return h('p', { class: 'policy' }, h('label', { for: 'site-policy' }, t('retry_policy_label', [host])), ' ', select);
}

function actionButton(label: string, key: string, action: () => Promise<unknown>, primary: boolean): HTMLButtonElement {
  const button = h('button', { type: 'button', class: primary ? 'primary' : '', 'data-focus-key': key, 'data-action': key }, label);
  button.addEventListener('click', () => {
    button.disabled = true;
    void action().then(refresh, showError);
  });
  return button;
}

/** Status page and archived copy found by the diagnosis, and the verdict, for the guide. */
function guideExtras(d: DiagnosisRecord | undefined): { verdict?: VerdictKind; verdictLine?: string; statusPageUrl?: string; archiveUrl?: string } {
  if (!d) return {};
  const out: { verdict?: VerdictKind; verdictLine?: string; statusPageUrl?: string; archiveUrl?: string } = {};
  if (d.done && d.verdict.kind !== 'cant-tell') out.verdict = d.verdict.kind;
  out.verdictLine = `${t(VERDICT_KEYS[d.verdict.kind])} (${t(CONFIDENCE_KEYS[d.verdict.confidence])})`;
  for (const e of d.evidence) {
    if (e.check === 'status-page' && e.outcome.kind === 'reported') out.statusPageUrl = e.outcome.pageUrl;
    if (e.check === 'archive' && e.outcome.kind === 'archived') out.archiveUrl = e.outcome.snapshotUrl;
  }
  return out;
}

function checkSiteForm(): HTMLElement {
  const input = h('input', { type: 'text', id: 'check-host', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'example.com' });
  const form = h(
    'form',
    { class: 'check-site', 'data-testid': 'check-site' },
    h('label', { for: 'check-host' }, t('popup_check_site')),
    h('span', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, t('popup_check_button'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const host = input.value.trim();
    if (!host) return;
    // Only the sources the visitor allowed are asked; without any, the local checks still say whether it answers here.
    void request('check-site', { host }).catch(showError);
  });
  return h('section', {}, form, state.siteCheck ? h('div', { class: 'site-result' }, h('p', { class: 'host' }, state.siteCheck.host), verdictView(state.siteCheck)) : null);
}

function healthyView(): HTMLElement {
  const recovery = state.recovery;
  return h(
    'section',
    { class: 'healthy', 'data-testid': 'healthy' },
    recovery
      ? h(
          'p',
          { class: 'recovered', 'data-testid': 'recovered' },
          t('popup_recovered', [recovery.host, formatTime(recovery.at), formatWait((recovery.at - recovery.downSince) / 1000)]),
        )
      : null,
    h('p', {}, t(state.isWeb ? 'popup_no_problem' : 'popup_not_web')),
    checkSiteForm(),
    CONSENT_SOURCES.some((s) => state.consent[s]) ? null : h('p', { class: 'note' }, t('popup_check_site_consent')),
  );
}

async function historyView(current: Incident | undefined): Promise<HTMLElement> {
  const history = (await readHistory()).filter((i) => i.time !== current?.time || i.url !== current?.url).slice(0, HISTORY_SHOWN);
  return h(
    'section',
    { class: 'history', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, t('popup_history_heading')),
    history.length
      ? h(
          'ul',
          {},
          ...history.map((i) =>
            h('li', {}, h('span', { class: 'code' }, i.badge), ' ', h('span', { class: 'host' }, i.host), ' ', h('time', { datetime: new Date(i.time).toISOString() }, formatTime(i.time))),
          ),
        )
      : h('p', {}, t('popup_history_empty')),
  );
}

function formatTime(time: number): string {
  try {
    return new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(time));
  } catch {
    return new Date(time).toISOString();
  }
}

function showError(error: unknown): void {
  const app = document.getElementById('app');
  app?.append(h('p', { class: 'error', role: 'alert' }, t('popup_error'), ' ', error instanceof Error ? error.message : String(error)));
}

async function refresh(): Promise<void> {
  state = await load();
  await render();
}

/** The countdown ticks in place; everything else redraws only when storage changes. */
function tick(): void {
  const el = document.querySelector('[data-testid="retry-status"]');
  if (!el || !state.incident || state.tabId === undefined) return;
  const view = retryView({ record: state.retry, tabId: state.tabId, decision: decisionFor(state.incident, Date.now()), now: Date.now() });
  if (view) el.textContent = t(view.status);
}

/** A web page without an incident may still be an error page the title did not give away (Chrome builds). */
async function inspectOnce(): Promise<void> {
  if (state.incident || state.tabId === undefined || !state.isWeb) return;
  await request('inspect-tab', { tabId: state.tabId }); // an incident it finds redraws through storage
}

document.documentElement.lang = uiLanguage();
localize(document, t);
void refresh().then(inspectOnce).catch(showError);
onSessionChanged(() => void refresh());
setInterval(tick, 1000);
