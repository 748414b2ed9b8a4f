import type { Incident } from '../../model/incident';
import type { RetryRecord } from '../../model/retry';
import type { DiagnosisRecord } from '../../model/diagnosis';
import type { SitePolicy } from '../../model/settings';
import { decisionFor } from '../../core/retry/policy';
import { checkNameKey } from '../../core/diagnosis/check-names';
import type { Evidence } from '../../model/evidence';
import { t } from '../../platform/i18n';
import { request } from '../../platform/message-client';
import { h } from '../../ui/dom';
import { formatTime } from './format-time';
import { crowdRow, crowdRowAge } from '../../core/present/crowd';

/** The popup's details fold beyond the verdict line: what each check found, the code and who answered. */
export interface DetailsContext {
  tabId?: number;
  retry?: RetryRecord;
  policy: SitePolicy;
  /** The tab is in a private window (`undefined`: not known, treated as private). */
  incognito?: boolean;
  onChange: () => Promise<void>;
  onError: (error: unknown) => void;
}

/** What each check found, one line each. */
export function evidenceView(record: DiagnosisRecord | undefined): HTMLElement | null {
  const lines = record?.evidence.filter((e) => e.summary?.key) ?? [];
  if (!lines.length) return null;
  return h(
    'div',
    { class: 'evidence' },
    h('h3', {}, t('diagnosis_evidence', [String(lines.length)])),
    h('ul', {}, ...lines.map(evidenceLine)),
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
    ...crowdExtras(e),
  );
}

/** The crowd row says how old the service's answer is, and names a platform failing for many sites. */
function crowdExtras(e: Evidence): Array<HTMLElement | string> {
  const said = e.check === 'crowd' ? crowdRow([e]) : undefined;
  if (!said) return [];
  const age = crowdRowAge(said, Date.now());
  return [
    ...(said.provider ? ['. ', h('span', { class: 'crowd-provider' }, t(said.provider))] : []),
    ...(age ? [' (', h('span', { class: 'crowd-age' }, t(age)), ')'] : []),
  ];
}

/** The code, its meaning, who answered, and the per-site retry choice: for those who want them. */
export function technicalDetails(incident: Incident, ctx: DetailsContext): Array<HTMLElement | null> {
  const rows: Array<[string, string | undefined]> = [
    ['popup_label_status', incident.status !== undefined ? String(incident.status) : incident.badge],
    ['popup_label_platform', incident.platform?.name ?? t('platform_unknown')],
    ['popup_label_datacentre', incident.platform?.pop],
    ['popup_label_reference', incident.reference ? `${incident.reference.kind}: ${incident.reference.value}` : undefined],
    ['popup_label_address', incident.ip],
    ['popup_label_retry_after', incident.retryAfter],
    ['popup_label_time', formatTime(incident.time)],
  ];
  const last = ctx.retry?.lastProbe;
  return [
    h('h3', { class: 'small-heading' }, t('popup_details')),
    h(
      'p',
      { class: `code severity-${incident.severity}` },
      incident.badge,
      ' · ',
      h('span', { id: 'incident-meaning', class: 'meaning' }, t(incident.meaning)),
    ),
    h('p', { class: 'explanation' }, t(incident.explanation)),
    incident.kind === 'soft' ? h('p', { class: 'note' }, t('popup_soft_note')) : null,
    h('dl', {}, ...rows.flatMap(([label, value]) => (value ? [h('dt', {}, t(label)), h('dd', {}, value)] : []))),
    last && ctx.retry
      ? h(
          'p',
          { class: 'note' },
          t('retry_waiting_detail_last', [String(ctx.retry.probes), last.status !== undefined ? String(last.status) : (last.error ?? '?')]),
        )
      : null,
    // Not in private windows: the choice would be saved in the settings and outlive the session.
    decisionFor(incident, Date.now()).reason === 'method' || ctx.incognito !== false ? null : policyControl(incident.host, ctx),
  ];
}

function policyControl(host: string, ctx: DetailsContext): HTMLElement {
  const select = h(
    'select',
    { id: 'site-policy', 'data-focus-key': 'site-policy' },
    ...(['default', 'always', 'never'] as const).map((p) => {
      const option = h('option', { value: p }, t(`retry_policy_${p}`));
      option.selected = p === ctx.policy;
      return option;
    }),
  );
  select.addEventListener('change', () => {
    const policy = select.value as SitePolicy;
    const { tabId } = ctx;
    void request('site-policy', { host, policy, ...(tabId !== undefined ? { tabId } : {}) }).then(ctx.onChange, ctx.onError);
  });
  return h('p', { class: 'policy' }, h('label', { for: 'site-policy' }, t('retry_policy_label', [host])), ' ', select);
}
