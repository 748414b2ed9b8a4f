import type { Evidence } from '../core/evidence';
import { checkNameKey } from '../checks/messages';
import { CONSENT_SOURCES, validateConsent, withConsent, type Consent, type ConsentSource } from '../core/consent';
import { CONFIDENCE_KEYS, VERDICT_KEYS } from '../core/verdict';
import type { DiagnosisRecord } from '../shared/diagnosis';
import { writeConsent } from '../platform/consent';
import { t } from '../platform/i18n';
import { h } from '../ui/dom';

/** The verdict in words with how sure it is, and the evidence lines behind it (expandable). */
export function verdictView(record: DiagnosisRecord | undefined): HTMLElement | null {
  if (!record) return null;
  const { verdict } = record;
  const lines = record.evidence.filter((e) => e.summary?.key);
  return h(
    'section',
    { class: `verdict verdict-${verdict.kind}`, 'data-testid': 'verdict', 'data-verdict': verdict.kind, 'aria-live': 'polite' },
    h(
      'p',
      { class: 'verdict-line' },
      h('strong', {}, t(VERDICT_KEYS[verdict.kind])),
      ' · ',
      h('span', { class: 'confidence' }, t(CONFIDENCE_KEYS[verdict.confidence])),
      record.done ? null : h('span', { class: 'spinner', role: 'img', 'aria-label': t('diagnosis_running') }),
    ),
    verdict.reasons[0] ? h('p', { class: 'verdict-reason' }, t(verdict.reasons[0])) : null,
    lines.length
      ? h(
          'details',
          { class: 'evidence' },
          h('summary', {}, t('diagnosis_evidence', [String(lines.length)])),
          h('ul', {}, ...lines.map(evidenceLine)),
        )
      : null,
  );
}

function evidenceLine(e: Evidence): HTMLElement {
  const none = e.outcome.kind === 'none';
  return h(
    'li',
    { class: none ? 'none' : '', 'data-check': e.check },
    h('span', { class: 'check-name' }, t(checkNameKey(e.check))),
    ': ',
    // Third-party text (status page descriptions, city names) only ever as text.
    t(e.summary),
  );
}

/**
 * What the visitor ticked, kept across redraws (the popup redraws whenever storage changes).
 * Nothing is pre-ticked: consent is given, never assumed.
 */
const ticked: Partial<Record<ConsentSource, boolean>> = {};

const SOURCE_KEYS: Record<ConsentSource, string> = {
  connectivity: 'consent_connectivity',
  dns: 'consent_dns',
  vantage: 'consent_vantage',
  statusPage: 'consent_status_page',
  archive: 'consent_archive',
};

/**
 * "Check from outside": with no consent yet, asks once in plain words, source by source; with
 * consent, one button. `run` starts the consented checks.
 */
export function outsideCheckView(consent: Consent, host: string, isPrivate: boolean, run: () => void): HTMLElement {
  if (isPrivate) return h('p', { class: 'note', 'data-testid': 'private-host' }, t('consent_private_host', [host]));
  const any = CONSENT_SOURCES.some((s) => consent[s]);
  const button = h('button', { type: 'button', class: 'primary', 'data-action': 'diagnose' }, t(any ? 'diagnosis_check_outside' : 'consent_allow_and_check'));
  if (any) {
    button.addEventListener('click', run);
    return h('p', { class: 'actions' }, button);
  }
  const boxes = CONSENT_SOURCES.map((source) => {
    const id = `consent-${source}`;
    const box = h('input', { type: 'checkbox', id, 'data-consent': source });
    box.checked = ticked[source] === true;
    box.addEventListener('change', () => {
      ticked[source] = box.checked;
      button.disabled = !CONSENT_SOURCES.some((s) => ticked[s]);
    });
    return { source, box, row: h('p', { class: 'consent-row' }, box, h('label', { for: id }, t(SOURCE_KEYS[source]))) };
  });
  button.disabled = !CONSENT_SOURCES.some((s) => ticked[s]);
  button.addEventListener('click', () => {
    let next = validateConsent({});
    for (const { source, box } of boxes) next = withConsent(next, source, box.checked);
    void writeConsent(next).then(run);
  });
  return h(
    'section',
    { class: 'consent', 'data-testid': 'consent', 'aria-labelledby': 'consent-heading' },
    h('h3', { id: 'consent-heading' }, t('consent_heading')),
    h('p', {}, t('consent_intro', [host])),
    ...boxes.map((b) => b.row),
    h('p', { class: 'actions' }, button),
  );
}
