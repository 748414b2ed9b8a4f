import type { Incident, IncidentEnd } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import type { HistoryVerdictId } from '../../model/verdict';

/**
 * The history page's model, pure: incidents grouped per site (newest site first), and the two
 * export formats. Nothing here formats dates for people: the page does that in the visitor's locale.
 */
export interface SiteHistory {
  host: string;
  /** Newest first. */
  incidents: Incident[];
  latest: number;
}

export function groupBySite(history: readonly Incident[]): SiteHistory[] {
  const sites = new Map<string, Incident[]>();
  for (const incident of history) {
    const list = sites.get(incident.host) ?? [];
    list.push(incident);
    sites.set(incident.host, list);
  }
  return [...sites.entries()]
    .map(([host, incidents]) => {
      const sorted = [...incidents].sort((a, b) => b.time - a.time);
      return { host, incidents: sorted, latest: sorted[0]?.time ?? 0 };
    })
    .sort((a, b) => b.latest - a.latest || a.host.localeCompare(b.host));
}

/** Where each incident sits on a timeline from `from` to `to`, as a fraction 0..1 (outside: left out). */
export function timelinePoints(incidents: readonly Incident[], from: number, to: number): number[] {
  if (!(to > from)) return [];
  return incidents.filter((i) => i.time >= from && i.time <= to).map((i) => (i.time - from) / (to - from));
}

/** What an export holds per incident: what happened, never more than the history keeps. */
export interface ExportRow {
  time: string;
  host: string;
  url: string;
  kind: string;
  code: string;
  platform: string;
  method: string;
  /** The verdict of its latest finished diagnosis as shown to the visitor (core/present/verdict-text.ts historyVerdictId), or empty. */
  verdict: string;
  /** How it ended (came-back, retried, gave-up), or empty while not known. */
  ended: string;
  /** When it ended (ISO 8601), or empty. */
  ended_at: string;
  /** How long it lasted, in whole seconds, or empty. */
  lasted_s: string;
}

export function exportRows(history: readonly Incident[]): ExportRow[] {
  return history.map((i) => ({
    time: new Date(i.time).toISOString(),
    host: i.host,
    url: i.url,
    kind: i.kind,
    code: i.status !== undefined ? String(i.status) : (i.netError ?? i.badge),
    platform: i.platform?.name ?? '',
    method: i.method,
    verdict: i.verdict ?? '',
    ended: i.end?.how ?? '',
    ended_at: i.end ? new Date(i.end.at).toISOString() : '',
    lasted_s: i.end ? String(Math.round((i.end.at - i.time) / 1000)) : '',
  }));
}

export function toJson(history: readonly Incident[]): string {
  return `${JSON.stringify({ format: 'downcheck-history', version: 1, incidents: exportRows(history) }, null, 2)}\n`;
}

const CSV_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'time',
  'host',
  'url',
  'kind',
  'code',
  'platform',
  'method',
  'verdict',
  'ended',
  'ended_at',
  'lasted_s',
];

/** RFC 4180: quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(history: readonly Incident[]): string {
  const lines = [CSV_COLUMNS.join(','), ...exportRows(history).map((row) => CSV_COLUMNS.map((c) => csvCell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The history with the entry of `host` at `time` marked as ended, or `undefined` when there is no such entry
 * or it already has its ending (the first ending counts) or the ending would come before the incident.
 */
export function withEnd(history: readonly Incident[], host: string, time: number, end: IncidentEnd): Incident[] | undefined {
  return withEntry(history, host, time, (entry) =>
    entry.end || !(end.at >= entry.time) ? undefined : { ...entry, end: { how: end.how, at: end.at } },
  );
}

/** A copy of the history with the entry of `host` at `time` changed, or `undefined` when there is none or `change` declines. */
function withEntry(
  history: readonly Incident[],
  host: string,
  time: number,
  change: (entry: Incident) => Incident | undefined,
): Incident[] | undefined {
  const i = history.findIndex((e) => e.host === host && e.time === time);
  const entry = history[i];
  const changed = entry && change(entry);
  if (!changed) return undefined;
  const list = [...history];
  list[i] = changed;
  return list;
}

/**
 * The history with the entry of `host` at `time` given the verdict of its latest finished diagnosis
 * (a later one replaces an earlier: the outside checks come after the local ones), or `undefined`
 * when there is no such entry or it already says so.
 */
export function withVerdict(history: readonly Incident[], host: string, time: number, verdict: HistoryVerdictId): Incident[] | undefined {
  return withEntry(history, host, time, (entry) => (entry.verdict === verdict ? undefined : { ...entry, verdict }));
}

/** "Came back by itself after 4 min", "Retried by hand after 1 h 5 min", "Gave up after 2 h": nothing while not ended. */
export function endingOf(entry: Pick<Incident, 'time' | 'end'>): Msg | undefined {
  if (!entry.end) return undefined;
  const key = { 'came-back': 'history_end_came_back', retried: 'history_end_retried', 'gave-up': 'history_end_gave_up' }[entry.end.how];
  return { key, subs: [shortDuration(entry.end.at - entry.time)] };
}

/** A duration as "<1 min", "4 min", "1 h 5 min", "3 d 2 h": unit symbols read the same in en, de, fr and es. */
export function shortDuration(ms: number): string {
  const minutes = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 60_000) : 0;
  if (minutes < 1) return '<1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
