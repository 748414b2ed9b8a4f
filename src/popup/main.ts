import type { Incident } from '../shared/incident';
import { t, uiLanguage } from '../platform/i18n';
import { readHistory, readIncident } from '../platform/storage';
import { activeTab } from '../platform/tabs';
import { h, localize } from '../ui/dom';
import { describeUrl } from '../core/url';

const HISTORY_SHOWN = 5;

async function render(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  document.documentElement.lang = uiLanguage();
  localize(document, t);

  const tab = await activeTab();
  const incident = tab ? await readIncident(tab.id) : undefined;
  const isWeb = tab?.url ? describeUrl(tab.url).ok && (describeUrl(tab.url) as { isWeb: boolean }).isWeb : true;

  app.replaceChildren(
    h('header', { class: 'brand' }, h('img', { src: '/icons/icon-32.png', alt: '', width: '20', height: '20' }), h('h1', {}, t('extName'))),
    incident ? incidentView(incident) : healthyView(isWeb),
    await historyView(incident),
  );
  app.setAttribute('aria-busy', 'false');
}

function incidentView(incident: Incident): HTMLElement {
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
    h(
      'dl',
      {},
      ...rows.flatMap(([label, value]) => (value ? [h('dt', {}, t(label)), h('dd', {}, value)] : [])),
    ),
  );
}

function healthyView(isWeb: boolean): HTMLElement {
  return h(
    'section',
    { class: 'healthy', 'data-testid': 'healthy' },
    h('p', {}, t(isWeb ? 'popup_no_problem' : 'popup_not_web')),
  );
}

async function historyView(current: Incident | undefined): Promise<HTMLElement> {
  const history = (await readHistory()).filter((i) => i !== current).slice(0, HISTORY_SHOWN);
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

void render();
