import type { Incident } from '../model/incident';
import { endingOf, groupBySite, timelinePoints, toCsv, toJson, type SiteHistory } from '../core/present/history';
import { toneOf, verdictLabel, verdictOfHistoryId } from '../core/present/verdict-text';
import { t, uiLanguage } from '../platform/i18n';
import * as store from '../platform/store';
import { historyItem, withoutEntry } from '../core/present/stored';
import { onItemChanged } from '../platform/store-changes';
import { h, localize } from '../ui/dom';
import { displayHost } from '../core/net/idn';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const DAY = 24 * 60 * 60 * 1000;
const NS = 'http://www.w3.org/2000/svg';

function formatTime(time: number): string {
  try {
    return new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(time));
  } catch {
    return new Date(time).toISOString();
  }
}

function formatDay(time: number): string {
  try {
    return new Intl.DateTimeFormat(uiLanguage(), { month: 'short', day: 'numeric' }).format(new Date(time));
  } catch {
    return new Date(time).toISOString().slice(0, 10);
  }
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The last 30 days (or since the oldest incident, if sooner), one tick per incident. */
function timeline(site: SiteHistory, now: number): SVGSVGElement {
  const oldest = site.incidents[site.incidents.length - 1]?.time ?? now;
  const from = Math.min(now - DAY, Math.max(now - 30 * DAY, oldest - DAY / 2));
  const width = 600;
  const chart = svg('svg', { viewBox: `0 0 ${width} 34`, class: 'timeline', role: 'img', preserveAspectRatio: 'none' });
  chart.append(
    svg('title', {}, t('history_timeline', [displayHost(site.host), String(site.incidents.length), formatDay(from), formatDay(now)])),
  );
  chart.append(svg('line', { x1: 0, y1: 12, x2: width, y2: 12, class: 'axis' }));
  for (const x of timelinePoints(site.incidents, from, now))
    chart.append(svg('line', { x1: x * width, y1: 2, x2: x * width, y2: 22, class: 'tick' }));
  chart.append(svg('text', { x: 0, y: 33 }, formatDay(from)), svg('text', { x: width, y: 33, 'text-anchor': 'end' }, formatDay(now)));
  return chart;
}

function incidentRow(incident: Incident): HTMLElement {
  const when = formatTime(incident.time);
  const ending = endingOf(incident);
  const remove = h('button', { type: 'button', class: 'small', 'data-action': 'delete' }, t('history_delete'));
  remove.setAttribute('aria-label', t('history_delete_label', [displayHost(incident.host), when]));
  remove.addEventListener('click', () => {
    remove.disabled = true;
    void store
      .update(historyItem, (list) => withoutEntry(list, incident.time, incident.host), { onWriteFailure: 'throw' })
      .then(() => say(t('history_deleted')), showError);
  });
  return h(
    'li',
    { 'data-time': String(incident.time) },
    h('time', { datetime: new Date(incident.time).toISOString() }, when),
    h('span', { class: 'code' }, incident.badge),
    h('span', { class: 'meaning' }, t(incident.meaning)),
    h(
      'span',
      { class: 'outcome' },
      incident.verdict ? verdictBadge(verdictOfHistoryId(incident.verdict)) : null,
      ending ? h('span', { class: 'ending', 'data-end': incident.end?.how ?? '' }, t(ending)) : null,
    ),
    remove,
  );
}

/** What the entry's diagnosis found, in words (its stored id read back through the one verdict table). */
function verdictBadge({ kind, outside }: ReturnType<typeof verdictOfHistoryId>): HTMLElement {
  return h('span', { class: 'verdict', 'data-verdict': kind, 'data-tone': toneOf(kind) }, t(verdictLabel(kind, outside)));
}

function siteView(site: SiteHistory, now: number): HTMLElement {
  const id = `site-${encodeURIComponent(site.host).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return h(
    'section',
    { class: 'site', 'data-host': site.host, 'aria-labelledby': id },
    h(
      'div',
      { class: 'site-head' },
      h('h2', { id }, displayHost(site.host)),
      h('span', { class: 'count' }, t('history_count', [String(site.incidents.length)])),
    ),
    timeline(site, now),
    h('ul', { class: 'incidents' }, ...site.incidents.map(incidentRow)),
  );
}

let history: Incident[] = [];

async function render(): Promise<void> {
  history = await store.read(historyItem);
  const sites = groupBySite(history);
  const now = Date.now();
  $('sites').replaceChildren(
    ...(sites.length ? sites.map((s) => siteView(s, now)) : [h('p', { class: 'empty' }, t('popup_history_empty'))]),
  );
  for (const id of ['export-json', 'export-csv', 'clear-all']) $<HTMLButtonElement>(id).disabled = history.length === 0;
  $('app').setAttribute('aria-busy', 'false');
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const say = (text: string): void => void ($('status').textContent = text);

function showError(error: unknown): void {
  say(`${t('popup_error')} ${error instanceof Error ? error.message : String(error)}`);
}

function main(): void {
  document.documentElement.lang = uiLanguage();
  localize(document, t);
  const stamp = (): string => new Date().toISOString().slice(0, 10);
  $('export-json').addEventListener('click', () => download(`downcheck-history-${stamp()}.json`, 'application/json', toJson(history)));
  $('export-csv').addEventListener('click', () => download(`downcheck-history-${stamp()}.csv`, 'text/csv', toCsv(history)));
  const confirm = $('confirm-clear');
  $('clear-all').addEventListener('click', () => {
    confirm.hidden = false;
    $('clear-confirm').focus();
  });
  $('clear-cancel').addEventListener('click', () => {
    confirm.hidden = true;
    $('clear-all').focus();
  });
  $('clear-confirm').addEventListener('click', () => {
    confirm.hidden = true;
    void store.remove(historyItem).then(() => say(t('history_cleared')), showError);
  });
  onItemChanged(historyItem, () => void render().catch(showError));
  void render().catch(showError);
}

main();
