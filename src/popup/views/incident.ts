import type { Incident } from '../../model/incident';
import type { DiagnosisRecord } from '../../model/diagnosis';
import type { RetryView } from '../../core/present/retry-view';
import { isPrivateHost } from '../../core/net/url';
import { displayHost } from '../../core/net/idn';
import { CONSENT_SOURCES } from '../../model/settings';
import type { VerdictKind } from '../../model/verdict';
import { CONFIDENCE_KEYS, headlineFor, verdictLabel } from '../../core/present/verdict-text';
import { waitingNote } from '../../core/present/answer';
import type { Os } from '../../core/present/guide';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { BROWSER_KIND } from '../../platform/browser-info';
import { h } from '../../ui/dom';
import { actionButton, fold, keep, safely, showError } from '../kit/controls';
import { page } from '../kit/state';
import type { View } from './view';
import { checkSiteForm } from './check-site';
import { consentView, verdictView } from './diagnosis';
import { serviceHost, shouldOfferCrowd } from '../../core/crowd/opt-in';
import { builtInServiceUrl } from '../../platform/crowd-build';
import { guidePlan, type GuideContext, type GuidePlan } from './guide-plan';
import { currentRetryView, retrySection } from './retry';
import { crowdHeadline } from '../../core/present/crowd';

/** A failing tab: the answer, its one action, the consent question, and the folds (guide, details, check any site). */
export function incidentView(v: View, incident: Incident, tabId: number): HTMLElement[] {
  const { state, actions, folds } = v;
  const d = state.diagnosis;
  const view = currentRetryView(state, incident, tabId);
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
  const crowd = crowdLine(d);
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
    onChange: () => void actions.refresh(),
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
    // While a retry runs, its "will reload it" line gives way to the crowd's: the retry bar right below says it too.
    answer.sub && !(crowd && retrying) ? h('p', { class: 'sub' }, t(answer.sub)) : null,
    crowd,
    waiting ? h('p', { class: 'sub wait-note', 'data-testid': 'wait-note' }, waiting.map((msg) => t(msg)).join(' ')) : null,
  );
  const outsideOffer =
    !isPrivate && !d?.outside && anyConsent
      ? h(
          'p',
          { class: 'actions' },
          actionButton(t('diagnosis_check_outside'), 'diagnose', async () => runOutside(), false, actions),
        )
      : null;
  return [
    h(
      'div',
      { class: 'incident', 'data-testid': 'incident' },
      answerEl,
      primaryAction(v, incident, tabId, view, plan),
      !isPrivate && !d?.outside && !anyConsent && !state.consentDeclined
        ? keep(
            `consent:${tabId}:${incident.time}`,
            consentView(
              runOutside,
              () => safely(() => request('consent-not-now', { tabId, incidentTime: incident.time })),
              shouldOfferCrowd(state.crowd, builtInServiceUrl()) ? serviceHost(state.crowd, builtInServiceUrl()) : null,
            ),
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
          onChange: actions.refresh,
          onError: showError,
        }) ?? []),
      ),
      fold('check', t('popup_check_site'), checkSiteForm(state, actions)),
    ),
  ];
}

/** What other Downcheck users see, under the answer, when it supports "down for everyone": the strongest sign it is not just you. */
function crowdLine(d: DiagnosisRecord | undefined): HTMLElement | null {
  const said = d && crowdHeadline(d.evidence, Date.now());
  if (!said) return null;
  return h(
    'p',
    { class: 'sub crowd-line', 'data-testid': 'crowd-line' },
    said.words.map((w) => t(w)).join('. '),
    said.age ? ` (${t(said.age)})` : '',
  );
}

/**
 * The one thing to do now: the auto-retry with its countdown (Retry now / Stop), the form's
 * resubmit question, or the first step of the guide.
 */
function primaryAction(v: View, incident: Incident, tabId: number, view: RetryView | undefined, plan: GuidePlan): HTMLElement | null {
  if (view) return retrySection(incident, tabId, view, v.actions);
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
    page.openFolds.add('guide');
    if (v.folds) openStep();
    // Clicked before the folds' contents arrived: draw them, then open the step.
    else safely(() => v.drawFolds().then(openStep));
  });
  return h('section', { class: 'primary-action', 'data-testid': 'next-step' }, go);
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
