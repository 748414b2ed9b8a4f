import { sendsSite, validateConsent, withConsent, withoutSiteSources } from '../../core/settings/consent';
import { CONSENT_SOURCES, type ConsentSource } from '../../model/settings';
import { CONFIDENCE_KEYS, toneOf, verdictLabel } from '../../core/present/verdict-text';
import type { DiagnosisRecord } from '../../model/diagnosis';
import { requestSiteDataPermission } from '../../platform/data-collection';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { h } from '../../ui/dom';
import { builtInServiceUrl } from '../../platform/crowd-build';
import { crowdChoiceItem } from '../../core/crowd/stored';
import { withOptIn } from '../../core/crowd/opt-in';
import { icon, INFO, showError } from '../kit/controls';

/** The verdict's name with how sure it is, and its first reason. */
/** `shownElsewhere`: a sentence already on screen (the incident's explanation), not repeated as the reason. */
export function verdictView(record: DiagnosisRecord | undefined, testId = 'verdict-detail', shownElsewhere?: string): HTMLElement | null {
  if (!record) return null;
  const { verdict } = record;
  return h(
    'div',
    { class: 'verdict', 'data-testid': testId, 'data-verdict': verdict.kind, 'data-tone': toneOf(verdict.kind) },
    h(
      'p',
      { class: 'verdict-line' },
      // "For everyone" / "just you" only with evidence from outside (the data attribute keeps the kind).
      h('strong', {}, t(verdictLabel(verdict.kind, record.outside))),
      ' · ',
      h('span', { class: 'confidence' }, t(CONFIDENCE_KEYS[verdict.confidence])),
      record.done ? null : h('span', { class: 'spinner', role: 'img', 'aria-label': t('diagnosis_running') }),
    ),
    verdict.reasons[0] && t(verdict.reasons[0]) !== shownElsewhere ? h('p', { class: 'verdict-reason' }, t(verdict.reasons[0])) : null,
  );
}

/**
 * What the visitor ticked, kept across redraws (the popup redraws whenever storage changes).
 * Nothing is pre-ticked: consent is given, never assumed.
 */
const ticked: Partial<Record<ConsentSource, boolean>> = {};

/** Per source: who it is and what it receives (short, so the question fits the popup). */
export const CONSENT_SHORT_KEYS: Record<ConsentSource, string> = {
  connectivity: 'consent_short_connectivity',
  dns: 'consent_short_dns',
  vantage: 'consent_short_vantage',
  statusPage: 'consent_short_status_page',
  archive: 'consent_short_archive',
};

/**
 * The crowd opt-in, its own choice beside the question (not part of "Allow all"): saved when ticked. One line, and
 * its sentence of what is sent to `host` one press away (shown in full on the settings and first-run pages). Firefox asks
 * for "browsing activity" in this click; refused, the box stays off and the line says why.
 */
function crowdRow(host: string): HTMLElement {
  const box = h('input', { type: 'checkbox', id: 'crowd-opt-in', 'data-crowd': '', 'data-focus-key': 'crowd-opt-in' });
  box.setAttribute('aria-describedby', 'crowd-note');
  const detail = t('crowdOptInDetail', [host]);
  const note = h('p', { class: 'crowd-note', id: 'crowd-note', 'data-testid': 'crowd-note' }, detail);
  note.hidden = true;
  // An icon, so the box and its label stay one line: the popup must still fit 600 px with the question open.
  const what = h('button', {
    type: 'button',
    class: 'info-button',
    'aria-expanded': 'false',
    'aria-controls': 'crowd-note',
    'data-focus-key': 'crowd-what',
    title: t('crowdWhatIsSent'),
  });
  what.setAttribute('aria-label', t('crowdWhatIsSent'));
  what.append(icon(INFO));
  what.addEventListener('click', () => {
    note.hidden = !note.hidden;
    what.setAttribute('aria-expanded', String(!note.hidden));
  });
  box.addEventListener('change', () => {
    const on = box.checked;
    const asked = on ? requestSiteDataPermission() : Promise.resolve(true);
    void asked
      .then(async (granted) => {
        const store = await import('../../platform/store');
        await store.update(crowdChoiceItem, (choice) => withOptIn(choice, on, granted, builtInServiceUrl()));
        box.checked = on && granted;
        note.textContent = on && !granted ? t('crowdRefused') : detail;
        if (on && !granted) note.hidden = false;
      })
      .catch((error: unknown) => {
        box.checked = false;
        showError(error);
      });
  });
  return h(
    'div',
    { class: 'crowd-offer', 'data-testid': 'crowd-offer' },
    h('p', { class: 'consent-row crowd-row' }, box, h('span', {}, h('label', { for: 'crowd-opt-in' }, t('crowdOptInPopup')), ' ', what)),
    note,
  );
}

/**
 * "Is it down for everyone?": asked inline, naming each source and what it receives. "Allow all"
 * or the ticked ones are saved at once and the checks start; nothing is pre-ticked.
 * `crowdHost`: the crowd service's host when its opt-in is offered too (a service is set and the visitor has not answered).
 */
export function consentView(run: () => void, notNow: () => void, crowdHost: string | null = null): HTMLElement {
  const save = (pick: (source: ConsentSource) => boolean): void => {
    let next = validateConsent({});
    for (const source of CONSENT_SOURCES) next = withConsent(next, source, pick(source));
    // Firefox asks for its "browsing activity" permission now, inside this click; refused, the
    // sources that send the site's name stay off and the rest still run.
    const asked = sendsSite(next) ? requestSiteDataPermission() : Promise.resolve(true);
    void asked.then((granted) => request('set-consent', { consent: granted ? next : withoutSiteSources(next) })).then(run, () => undefined);
  };
  const chosen = h('button', { type: 'button', 'data-action': 'diagnose' }, t('consent_allow_and_check'));
  const all = h('button', { type: 'button', class: 'primary', 'data-action': 'consent-all' }, t('consent_allow_all'));
  const later = h('button', { type: 'button', class: 'link-button', 'data-action': 'consent-not-now' }, t('consent_not_now'));
  const rows = CONSENT_SOURCES.map((source) => {
    const id = `consent-${source}`;
    const box = h('input', { type: 'checkbox', id, 'data-consent': source, 'data-focus-key': id });
    box.checked = ticked[source] === true;
    box.addEventListener('change', () => {
      ticked[source] = box.checked;
      chosen.disabled = !CONSENT_SOURCES.some((s) => ticked[s]);
    });
    return h('li', { class: 'consent-row' }, box, h('label', { for: id }, t(CONSENT_SHORT_KEYS[source])));
  });
  chosen.disabled = !CONSENT_SOURCES.some((s) => ticked[s]);
  chosen.addEventListener('click', () => save((s) => ticked[s] === true));
  all.addEventListener('click', () => save(() => true));
  later.addEventListener('click', notNow);
  return h(
    'section',
    { class: 'consent', 'data-testid': 'consent', 'aria-labelledby': 'consent-heading' },
    h('h3', { id: 'consent-heading' }, t('consent_heading')),
    h('p', { class: 'consent-intro' }, t('consent_intro_short')),
    h('ul', { class: 'consent-list' }, ...rows),
    h('p', { class: 'actions' }, all, chosen, later),
    crowdHost === null ? null : crowdRow(crowdHost),
  );
}
