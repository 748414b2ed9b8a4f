import type { Incident } from '../model/incident';
import type { Recovery, RetryRecord, WatchRecord } from '../model/retry';
import { decisionFor } from '../core/retry/policy';
import { retryView, formatWait, type RetryView } from '../core/present/retry-view';
import { type SitePolicy, CONSENT_SOURCES, type Consent } from '../model/settings';
import { describeUrl, originOf, watchedSiteUrl } from '../core/net/url';
import { t, uiLanguage } from '../platform/i18n';
import { request } from '../platform/message-client';
import { onSessionChanged } from '../platform/storage-changes';
import type { GuideMarks } from '../model/tab';
import { activeTab, getTab, inPrivateWindow, type TabInfo } from '../platform/tab-info';
import { openExtensionPage, openSettings } from '../platform/pages';
import { h, localize } from '../ui/dom';
import { DEFAULT_CONSENT } from '../core/settings/consent';
import { CONFIDENCE_KEYS, headlineFor, verdictLabel } from '../core/present/verdict-text';
import type { VerdictKind } from '../model/verdict';
import { waitingNote } from '../core/present/answer';
import { isPrivateHost } from '../core/net/url';
import type { DiagnosisRecord } from '../model/diagnosis';
import { consentView, verdictView } from './views/diagnosis';
import type { Os } from '../core/present/guide';
import { BROWSER_KIND, platformOs } from '../platform/browser-info';
import { guidePlan, type GuideContext, type GuidePlan } from './views/guide-plan';
import { formatTime } from './views/format-time';
import { displayHost } from '../core/net/idn';

interface State {
  tabId?: number;
  os: string;
  diagnosis?: DiagnosisRecord;
  siteCheck?: DiagnosisRecord;
  /** "Tell me when it's back" for the checked site, if asked for. */
  watch?: WatchRecord;
  consent: Consent;
  isWeb: boolean;
  incident?: Incident;
  retry?: RetryRecord;
  recovery?: Recovery;
  policy: SitePolicy;
  /** The tab is in a private window (some steps are not offered there). */
  incognito?: boolean;
  /** The visitor said "not now" to the consent question for this incident: it is not asked again. */
  consentDeclined?: boolean;
  guideMarks: GuideMarks;
}

let state: State = { isWeb: true, policy: 'default', os: 'unknown', consent: DEFAULT_CONSENT, guideMarks: {} };
/**
 * Opened from the address bar (`down example.com`) or the context menu: the site to check, a host
 * name (253 at most) or with `http://` and a port too (siteFrom in background/diagnosis/check-any.ts).
 */
const CHECK_HOST = new URLSearchParams(location.search).get('check')?.slice(0, 300) || undefined;

let confirmResubmit = false;
/** What is typed in "check any site", kept across redraws. */
let typedHost = CHECK_HOST ?? '';
/** What was last checked, as typed (keeps an `http://` or a port the host name alone would lose). */
let checkedInput = CHECK_HOST ?? '';
/** In a private window (of the tab shown, or this page's own): "check any site" and its watch are that window kind's own. */
let inPrivate = false;
/** Which folds the visitor opened, kept across redraws (the popup redraws whenever storage changes). */
const openFolds = new Set<string>();

type Folds = typeof import('./folds');
/** What the folds draw (./folds.ts), once loaded. */
let folds: Folds | undefined;
let foldsLoading: Promise<Folds> | undefined;
/**
 * The folds' contents (the guide's steps, the chain, the evidence, the technical details) come in
 * a module of their own, asked for once the answer and its action are on screen: the first script
 * stays small. Until it arrives (a few ms) the folds hold only what is drawn here.
 */
function loadFolds(): Promise<Folds> {
  foldsLoading ??= import('./folds').then((module) => (folds = module));
  return foldsLoading;
}

/** The popup shows the active tab; opened as the full guide in a tab of its own, the tab named in `?tab=`. */
async function targetTab(): Promise<(TabInfo & { id: number }) | undefined> {
  if (CHECK_HOST) return undefined;
  const wanted = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(wanted) && wanted > 0) {
    const tab = await getTab(wanted);
    return tab ? { ...tab, id: wanted } : undefined;
  }
  return activeTab();
}

/** What the popup shows: the tab from the browser, the rest from the worker, read and validated there in one request. */
async function load(): Promise<State> {
  const tab = await targetTab();
  const info = tab?.url ? describeUrl(tab.url) : undefined;
  const isWeb = info ? info.ok && info.isWeb : true;
  inPrivate = tab ? tab.incognito : await inPrivateWindow();
  const [os, stored] = await Promise.all([
    platformOs(),
    request('popup-state', { ...(tab ? { tabId: tab.id } : {}), checked: checkedInput, private: inPrivate }),
  ]);
  return { ...stored, os, isWeb, ...(tab ? { tabId: tab.id, incognito: tab.incognito } : {}) };
}

const currentRetryView = (incident: Incident, tabId: number): RetryView | undefined =>
  retryView({ record: state.retry, tabId, decision: decisionFor(incident, Date.now()), now: Date.now() });

async function render(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  const body = state.incident && state.tabId !== undefined ? await incidentView(state.incident, state.tabId) : healthyView();
  // Redrawing replaces the buttons: keep the keyboard focus where it is now (read after the await:
  // focus moved while this redraw was being built must not be sent back where it was before).
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  // What is open now (a key pressed while this redraw was being built counts) stays open.
  const wasOpen = new Map(
    [...app.querySelectorAll<HTMLDetailsElement>('details[data-fold], details[data-step]')].map((d) => [foldId(d), d.open]),
  );
  // A part the visitor may be in the middle of (the consent question: ticks, a pointer pressed on a
  // box) is kept as it is when the redraw draws it again: a click is never lost to a redraw.
  const kept = new Map([...app.querySelectorAll<HTMLElement>('[data-keep]')].map((el) => [el.dataset.keep, el]));
  const fresh = h('div', {}, topBar(), ...body);
  for (const el of fresh.querySelectorAll<HTMLElement>('[data-keep]')) {
    const old = kept.get(el.dataset.keep);
    if (old) el.replaceWith(old);
  }
  app.replaceChildren(...fresh.childNodes);
  for (const d of app.querySelectorAll<HTMLDetailsElement>('details[data-fold], details[data-step]')) {
    const open = wasOpen.get(foldId(d));
    if (open !== undefined) d.open = open;
  }
  if (focused) app.querySelector<HTMLElement>(`[data-focus-key="${focused}"]`)?.focus();
  // An incident drawn without the folds' contents is not finished: it is drawn again once they are here.
  const unfinished = state.incident !== undefined && !folds;
  app.setAttribute('aria-busy', String(unfinished));
  if (unfinished && !foldsLoading) safely(() => loadFolds().then(render));
}

/** Marks a part that a redraw keeps as it is (with its state and listeners) while `key` is the same. */
function keep(key: string, el: HTMLElement): HTMLElement {
  el.dataset.keep = key;
  return el;
}

/** A small line icon, drawn in the text colour. */
function icon(paths: string[]): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const [k, v] of Object.entries({
    viewBox: '0 0 24 24',
    width: '18',
    height: '18',
    'aria-hidden': 'true',
    fill: 'none',
    stroke: 'currentColor',
  }))
    svg.setAttribute(k, v);
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  for (const d of paths) {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

const CLOCK = ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18', 'M12 7v5l3 2'];
const GEAR = [
  'M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6',
  'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21' +
    'a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 ' +
    '1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1' +
    'a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1' +
    'a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
];

function iconButton(label: string, key: string, paths: string[], action: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'icon-button', 'data-action': key, 'data-focus-key': key, title: label });
  button.setAttribute('aria-label', label);
  button.append(icon(paths));
  button.addEventListener('click', () => void action().then(() => window.close(), showError));
  return button;
}

/** Name, icon, history and settings: always the same place, whatever the state. */
function topBar(): HTMLElement {
  return h(
    'header',
    { class: 'topbar' },
    h('img', { src: '/icons/icon-32.png', alt: '', width: '24', height: '24' }),
    h('h1', {}, t('extName')),
    iconButton(t('popup_history'), 'history', CLOCK, () => openExtensionPage('src/history/index.html')),
    iconButton(t('popup_settings'), 'settings', GEAR, openSettings),
  );
}

const foldId = (d: HTMLElement): string => (d.dataset.fold ? `fold:${d.dataset.fold}` : `step:${d.dataset.step ?? ''}`);

/** A folded section with a visible disclosure marker; stays open across redraws once opened. */
function fold(id: string, summary: string, ...content: Array<Node | null>): HTMLDetailsElement {
  const details = h('details', { class: 'fold', 'data-fold': id });
  details.open = openFolds.has(id);
  details.addEventListener('toggle', () => (details.open ? openFolds.add(id) : openFolds.delete(id)));
  details.append(h('summary', { 'data-focus-key': `fold-${id}` }, summary), ...content.filter((c): c is Node => c !== null));
  return details;
}

async function incidentView(incident: Incident, tabId: number): Promise<HTMLElement[]> {
  const d = state.diagnosis;
  const view = currentRetryView(incident, tabId);
  const retrying = view?.kind === 'waiting' || view?.kind === 'offline';
  // What to expect while the site is down on its side, and for how long it has been down (from the retry's first failure).
  // Not under the consent question: with it, the popup would outgrow its 600 px (the question comes first).
  const asking = !isPrivateHost(incident.host) && !d?.outside && !CONSENT_SOURCES.some((s) => state.consent[s]) && !state.consentDeclined;
  const answer = headlineFor(d?.done ? d.verdict.kind : undefined, {
    host: incident.host,
    incidentKind: incident.kind,
    outside: d?.outside === true,
    retrying,
    asking,
  });
  const waiting = asking
    ? undefined
    : waitingNote({
        incident,
        verdict: d?.done ? d.verdict.kind : undefined,
        since: state.retry?.tabs.includes(tabId) ? state.retry.schedule.startedAt : undefined,
        now: Date.now(),
      });
  const isPrivate = isPrivateHost(incident.host);
  const anyConsent = CONSENT_SOURCES.some((s) => state.consent[s]);
  const runOutside = (): void => void request('diagnose', { tabId }).catch(showError);
  const guideContext: GuideContext = {
    tabId,
    incident,
    os: state.os as Os,
    browser: BROWSER_KIND,
    incognito: state.incognito !== false,
    ...guideExtras(d),
    // The retry controls live in the answer's action: the guide does not repeat them.
    hideRetrySteps: view !== undefined,
    retrying,
    onChange: () => void refresh(),
  };
  const plan = guidePlan(guideContext, state.guideMarks);
  const steps = plan.steps.length;
  const answerEl = h(
    'section',
    {
      class: `answer severity-${incident.severity}`,
      'data-testid': 'verdict',
      'data-verdict': answer.kind ?? 'checking',
      'data-outside': String(d?.outside === true),
      'data-tone': answer.tone,
      'aria-labelledby': 'answer-headline',
    },
    h(
      'h2',
      { id: 'answer-headline', class: 'headline', 'data-testid': 'answer' },
      t(answer.headline),
      d?.done === false || !d ? h('span', { class: 'spinner', role: 'img', 'aria-label': t('diagnosis_running') }) : null,
    ),
    answer.sub ? h('p', { class: 'sub' }, t(answer.sub)) : null,
    waiting ? h('p', { class: 'sub wait-note', 'data-testid': 'wait-note' }, waiting.map((msg) => t(msg)).join(' ')) : null,
  );
  const outsideOffer =
    !isPrivate && !d?.outside && anyConsent
      ? h(
          'p',
          { class: 'actions' },
          actionButton(t('diagnosis_check_outside'), 'diagnose', async () => runOutside(), false),
        )
      : null;
  return [
    h(
      'div',
      { class: 'incident', 'data-testid': 'incident' },
      answerEl,
      primaryAction(incident, tabId, view, plan),
      !isPrivate && !d?.outside && !anyConsent && !state.consentDeclined
        ? keep(
            `consent:${tabId}:${incident.time}`,
            consentView(runOutside, () => safely(() => request('consent-not-now', { tabId, incidentTime: incident.time }))),
          )
        : null,
      outsideOffer,
    ),
    h(
      'div',
      { class: 'folds' },
      steps ? fold('guide', t('popup_fold_guide', [String(steps)]), folds?.guideView(plan, guideContext) ?? null) : null,
      // How Downcheck knows, then the technical details: one fold, so every state fits the popup.
      fold(
        'details',
        t('popup_fold_details'),
        verdictView(d, 'verdict-detail', t(incident.explanation)),
        folds?.chainView(incident, d?.done ? d.verdict.kind : undefined) ?? null,
        folds?.evidenceView(d) ?? null,
        isPrivate
          ? h('p', { class: 'note', 'data-testid': 'private-host' }, t('consent_private_host', [displayHost(incident.host)]))
          : null,
        ...(folds?.technicalDetails(incident, {
          ...(state.tabId !== undefined ? { tabId: state.tabId } : {}),
          ...(state.retry ? { retry: state.retry } : {}),
          policy: state.policy,
          ...(state.incognito !== undefined ? { incognito: state.incognito } : {}),
          onChange: refresh,
          onError: showError,
        }) ?? []),
      ),
      fold('check', t('popup_check_site'), checkSiteForm()),
    ),
  ];
}

/**
 * The one thing to do now: the auto-retry with its countdown (Retry now / Stop), the form's
 * resubmit question, or the first step of the guide.
 */
function primaryAction(incident: Incident, tabId: number, view: RetryView | undefined, plan: GuidePlan): HTMLElement | null {
  if (view) return retrySection(incident, tabId, view);
  const next = plan.steps.find((s) => s.id === plan.nextId) ?? plan.steps[0];
  if (!next) return null;
  const go = h('button', { type: 'button', class: 'primary', 'data-action': 'next-step', 'data-focus-key': 'next-step' }, t(next.title));
  const openStep = (): void => {
    const guideFold = document.querySelector<HTMLDetailsElement>('details[data-fold=guide]');
    if (guideFold) guideFold.open = true;
    const step = document.querySelector<HTMLDetailsElement>(`details[data-step="${next.id}"]`);
    if (step) {
      step.open = true;
      step.querySelector<HTMLElement>('summary')?.focus();
      step.scrollIntoView({ block: 'nearest' });
    }
  };
  go.addEventListener('click', () => {
    openFolds.add('guide');
    if (folds) openStep();
    // Clicked before the folds' contents arrived: draw them, then open the step.
    else safely(() => loadFolds().then(render).then(openStep));
  });
  return h('section', { class: 'primary-action', 'data-testid': 'next-step' }, go);
}

function retrySection(incident: Incident, tabId: number, view: RetryView): HTMLElement {
  const button = (key: string, action: () => Promise<unknown>, primary = false) => actionButton(t(key), key, action, primary);
  const actions: Array<HTMLElement | null> = [];
  switch (view.kind) {
    case 'waiting':
    case 'offline':
      actions.push(
        button('retry_now', () => request('retry-now', { tabId }), true),
        button('retry_stop', () => request('stop-retry', { tabId })),
      );
      break;
    case 'gave-up':
    case 'off':
      actions.push(
        button('retry_now', () => request('retry-now', { tabId }), true),
        button('retry_start', () => request('start-retry', { tabId })),
      );
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
  // The waiting line's long explanation is the answer's own sub-line; only the states that need
  // a word of their own (a form, gave up, offline) say more here.
  const detail =
    view.kind === 'post' || view.kind === 'gave-up' || view.kind === 'offline' ? h('p', { class: 'retry-detail' }, t(view.detail)) : null;
  return h(
    'section',
    { class: `retry retry-${view.kind}`, 'data-testid': 'retry', 'aria-labelledby': 'retry-status', 'data-host': incident.host },
    h(
      'div',
      { class: 'retry-row' },
      h('p', { id: 'retry-status', class: 'retry-status', 'data-testid': 'retry-status' }, t(view.status)),
      ...actions,
    ),
    detail,
  );
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
function guideExtras(d: DiagnosisRecord | undefined): {
  verdict?: VerdictKind;
  verdictLine?: string;
  statusPageUrl?: string;
  archiveUrl?: string;
} {
  if (!d) return {};
  const out: { verdict?: VerdictKind; verdictLine?: string; statusPageUrl?: string; archiveUrl?: string } = {};
  if (d.done && d.verdict.kind !== 'cant-tell') out.verdict = d.verdict.kind;
  out.verdictLine = `${t(verdictLabel(d.verdict.kind, d.outside))} (${t(CONFIDENCE_KEYS[d.verdict.confidence])})`;
  for (const e of d.evidence) {
    if (e.check === 'status-page' && e.outcome.kind === 'reported') out.statusPageUrl = e.outcome.pageUrl;
    if (e.check === 'archive' && e.outcome.kind === 'archived') out.archiveUrl = e.outcome.snapshotUrl;
  }
  return out;
}

function checkSiteForm(): HTMLElement {
  const input = h('input', {
    type: 'text',
    id: 'check-host',
    inputmode: 'url',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'example.com',
  });
  input.value = typedHost;
  input.addEventListener('input', () => (typedHost = input.value));
  const form = h(
    'form',
    { class: 'check-site', 'data-testid': 'check-site' },
    h('label', { for: 'check-host' }, t('popup_check_site_label')),
    h('span', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, t('popup_check_button'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const host = input.value.trim();
    if (!host) return;
    checkedInput = host;
    // Only the sources the visitor allowed are asked; without any, the local checks still say whether it answers here.
    void request('check-site', { host, private: inPrivate }).catch(showError);
  });
  return h(
    'div',
    {},
    form,
    CONSENT_SOURCES.some((s) => state.consent[s]) ? null : h('p', { class: 'note' }, t('popup_check_site_consent')),
    state.siteCheck ? siteResult(state.siteCheck) : null,
  );
}

/** The checked site: its verdict and the watch control, or, once the watch saw it back, that news instead. */
function siteResult(check: DiagnosisRecord): HTMLElement {
  const back = backSinceCheck(check);
  return h(
    'div',
    { class: 'site-result' },
    h('p', { class: 'host' }, displayHost(check.host)),
    ...(back !== undefined ? [backView(check, back)] : [verdictView(check, 'site-verdict'), watchControl(check)]),
  );
}

/** The page the checked site's watch probes: what was typed, if it is the site checked; else its host name. */
const watchedUrl = (check: DiagnosisRecord | undefined): string | undefined =>
  check ? watchedSiteUrl(check.host, checkedInput) : undefined;

/** When the watch saw the checked site back, if that came after the check began: the news that replaces its verdict. */
const backSinceCheck = (check: DiagnosisRecord): number | undefined =>
  state.watch?.state === 'back' && state.watch.endedAt !== undefined && state.watch.endedAt >= check.startedAt
    ? state.watch.endedAt
    : undefined;

/** The checked site came back while watched: said once, with when (the check's older verdict is no longer true). */
function backView(check: DiagnosisRecord, at: number): HTMLElement {
  return h(
    'div',
    { class: 'verdict', 'data-testid': 'site-verdict', 'data-verdict': 'back-up', 'data-tone': 'back' },
    h(
      'p',
      { class: 'verdict-line' },
      h('strong', {}, t('verdict_back_up')),
      ' · ',
      h('time', { datetime: new Date(at).toISOString() }, formatTime(at)),
    ),
    h('p', { class: 'verdict-reason', 'data-testid': 'watch', 'data-watch': 'back' }, t('popup_watch_back', [displayHost(check.host)])),
  );
}

/** "Tell me when it's back" once a check found the site not answering; while watching, how to stop; then how it ended. */
function watchControl(check: DiagnosisRecord): HTMLElement | null {
  const url = watchedUrl(check);
  if (!url) return null;
  const watch = state.watch;
  const say = (key: string, ...extra: Array<HTMLElement | string | null>): HTMLElement =>
    h('p', { class: 'watch', 'data-testid': 'watch', 'data-watch': watch?.state ?? 'none' }, t(key, [displayHost(check.host)]), ...extra);
  if (watch?.state === 'watching' || watch?.state === 'offline')
    return say(
      'popup_watching',
      ' ',
      actionButton(t('popup_watch_stop'), 'unwatch', () => request('unwatch-site', { host: url }), false),
    );
  if (!check.done || check.verdict.kind === 'back-up') return null;
  return h(
    'p',
    { class: 'watch', 'data-testid': 'watch', 'data-watch': watch?.state ?? 'none' },
    watch?.state === 'gave-up' ? h('span', { class: 'note' }, t('popup_watch_gave_up', [displayHost(check.host)]), ' ') : null,
    actionButton(t('popup_watch_button'), 'watch', () => request('watch-site', { host: url, private: inPrivate }), false),
  );
}

function healthyView(): HTMLElement[] {
  const recovery = state.recovery;
  return [
    h(
      'section',
      { class: 'answer healthy', 'data-testid': 'healthy', 'data-answer': recovery ? 'recovered' : 'healthy' },
      h(
        'h2',
        { class: 'headline', 'data-testid': 'answer' },
        CHECK_HOST
          ? t('answer_check_any', [CHECK_HOST])
          : recovery
            ? t('answer_recovered', [displayHost(recovery.host)])
            : t(state.isWeb ? 'popup_no_problem' : 'popup_not_web'),
      ),
      recovery
        ? h(
            'p',
            { class: 'sub recovered', 'data-testid': 'recovered' },
            t('popup_recovered_detail', [formatTime(recovery.at), formatWait((recovery.at - recovery.downSince) / 1000)]),
          )
        : null,
    ),
    h(
      'section',
      { class: 'check-any', 'aria-labelledby': 'check-heading' },
      h('h2', { id: 'check-heading', class: 'small-heading' }, t('popup_check_site')),
      checkSiteForm(),
    ),
  ];
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
  const view = currentRetryView(state.incident, state.tabId);
  if (view) el.textContent = t(view.status);
}

/** A web page without an incident may still be an error page the title did not give away (Chrome builds). */
async function inspectOnce(): Promise<void> {
  if (CHECK_HOST) {
    await request('check-site', { host: CHECK_HOST, private: inPrivate });
    return;
  }
  if (state.incident || state.tabId === undefined || !state.isWeb) return;
  await request('inspect-tab', { tabId: state.tabId }); // an incident it finds redraws through storage
}

/** Every failure ends on screen, never as an unhandled rejection. */
const safely = (work: () => Promise<unknown>): void => void work().catch(showError);

document.documentElement.lang = uiLanguage();
localize(document, t);
safely(() => refresh().then(inspectOnce));
/** Redraws only for what concerns the tab shown (other tabs' retries change storage all the time). */
function concernsUs(keys: string[]): boolean {
  if (state.tabId === undefined) return true;
  const origin = originOf(state.incident?.url);
  return keys.some(
    (k) =>
      k.endsWith(`:${state.tabId}`) ||
      k === (inPrivate ? 'diagnosis:site-private' : 'diagnosis:site') ||
      k.startsWith('watch:') ||
      (origin !== undefined && k === `retry:${origin}`),
  );
}
onSessionChanged((keys) => {
  if (concernsUs(keys)) safely(refresh);
});
setInterval(tick, 1000);
