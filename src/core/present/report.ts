import type { Incident } from '../../model/incident';
import { displayHost } from '../net/idn';

/**
 * A ready-to-send report for the site's support: what failed, when, where and with which
 * reference — and nothing about the visitor (no path or query, no cookies, no own IP address).
 * `tr` translates message keys so the report is in the visitor's language.
 */
export interface ReportInput {
  incident: Incident;
  verdictLine?: string;
  now: number;
  /** Local time zone rendering of a timestamp (Intl in the UI; fixed in tests). */
  localTime: (time: number) => string;
  tr: (key: string, subs?: string[]) => string;
}

export function supportReport({ incident, verdictLine, localTime, tr }: ReportInput): string {
  const origin = safeOrigin(incident.url);
  const lines: Array<[string, string | undefined]> = [
    ['report_site', origin],
    [
      'report_time_utc',
      new Date(incident.time)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC'),
    ],
    ['report_time_local', localTime(incident.time)],
    [
      'report_status',
      incident.status !== undefined
        ? `${incident.status} — ${tr(incident.meaning.key, incident.meaning.subs)}`
        : `${incident.rawError ?? incident.badge} — ${tr(incident.meaning.key, incident.meaning.subs)}`,
    ],
    ['report_method', incident.method],
    [
      'report_gateway',
      incident.platform ? `${incident.platform.name}${incident.platform.pop ? ` (${incident.platform.pop})` : ''}` : undefined,
    ],
    ['report_reference', incident.reference ? `${incident.reference.kind}: ${incident.reference.value}` : undefined],
    ['report_server_address', incident.ip],
    // Chrome builds do not see the failing response itself: say where the gateway details came from.
    [
      'report_headers_source',
      incident.reprobe && (incident.platform || incident.reference)
        ? tr('report_headers_reprobe', [String(incident.reprobe.status)])
        : undefined,
    ],
    ['report_verdict', verdictLine],
  ];
  const body = lines
    .filter((line): line is [string, string] => typeof line[1] === 'string' && line[1].length > 0)
    .map(([key, value]) => `${tr(key)}: ${oneLine(value)}`);
  return [tr('report_intro', [displayHost(incident.host)]), '', ...body, '', tr('report_footer')].join('\n');
}

/** Scheme, host and port only: paths and queries can hold personal data or tokens. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').slice(0, 300);
