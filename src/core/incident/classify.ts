import type { Fault, Incident, NetErrorCategory, Observation, Severity } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import { fingerprint } from './fingerprint';
import { pickDiagnosticHeaders } from '../net/headers';
import { normalizeNetError } from './net-error';
import { isRetryable } from '../retry/policy';
import { softErrorStatus } from './soft-error';
import { describeUrl } from '../net/url';

/**
 * Turns what the browser saw into an incident, or `null` when it is not one (healthy status,
 * aborted load, non-web URL). Total: any input, however malformed, gets one of the two.
 */
export function classify(obs: Observation): Incident | null {
  const url = describeUrl(obs?.url);
  if (!url.ok || !url.isWeb) return null;
  const time = Number.isFinite(obs.time) ? obs.time : 0;
  const base = { url: obs.url, host: url.host, time };

  switch (obs.kind) {
    case 'http': {
      if (!isServerError(obs.status)) return null;
      const headers = pickDiagnosticHeaders(obs.headers);
      const method = normalMethod(obs.method);
      return {
        ...base,
        kind: 'http',
        ...httpOutcome(obs.status, headers, method),
        headers,
        ...(typeof obs.ip === 'string' && /^[0-9a-fA-F:.]{2,45}$/.test(obs.ip) ? { ip: obs.ip } : {}),
        ...(obs.proxied === true ? { proxied: true as const } : {}),
        ...(headers['retry-after'] ? { retryAfter: headers['retry-after'] } : {}),
        ...(validReprobe(obs.reprobe)
          ? { reprobe: { status: obs.reprobe.status, redirected: obs.reprobe.redirected, at: obs.reprobe.at } }
          : {}),
      };
    }
    case 'soft': {
      const status = softErrorStatus(obs.title);
      if (status === undefined) return null;
      // Not retryable by itself: the server answered 200, so a probe cannot tell when it is fixed.
      return { ...base, kind: 'soft', ...httpOutcome(status, {}, 'GET'), severity: 'warning', retryable: false, headers: {} };
    }
    case 'network': {
      const netError = normalizeNetError(obs.error);
      if (netError === null) return null;
      const method = normalMethod(obs.method);
      return {
        ...base,
        kind: 'network',
        netError,
        // Only a string is kept: String() of anything else can be huge or throw (an object without a prototype).
        ...(typeof obs.error === 'string' ? { rawError: obs.error.slice(0, 100) } : {}),
        ...(obs.proxied === true ? { proxied: true as const } : {}),
        meaning: { key: `meaning_net_${netKey(netError)}` },
        explanation: { key: `fault_net_${netKey(netError)}` },
        severity: 'critical',
        retryable: isRetryable({ method, netError }).retry,
        fault: NET_FAULT[netError],
        headers: {},
        method,
        badge: NET_BADGE[netError],
      };
    }
    default:
      return null;
  }
}

const validReprobe = (r: unknown): r is NonNullable<Incident['reprobe']> => {
  if (typeof r !== 'object' || r === null) return false;
  const { status, redirected, at } = r as Record<string, unknown>;
  return (
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 100 &&
    status <= 599 &&
    typeof redirected === 'boolean' &&
    typeof at === 'number' &&
    Number.isFinite(at)
  );
};

export const isServerError = (status: unknown): status is number =>
  typeof status === 'number' && Number.isInteger(status) && status >= 500 && status <= 599;

/** Status codes with their own sentence in `_locales` (`meaning_<status>`). */
const KNOWN_STATUS = new Set([500, 501, 502, 503, 504, 505, 507, 508, 520, 521, 522, 523, 524, 525, 526, 527, 530]);

function normalMethod(method: unknown): string {
  if (method === undefined) return 'GET';
  return typeof method === 'string' && /^[A-Za-z]{1,16}$/.test(method) ? method.toUpperCase() : 'OTHER';
}

function httpOutcome(
  status: number,
  headers: Record<string, string>,
  method: string,
): Pick<
  Incident,
  'status' | 'meaning' | 'explanation' | 'severity' | 'retryable' | 'fault' | 'platform' | 'reference' | 'method' | 'badge'
> {
  const { platform, reference } = fingerprint(headers);
  const { explanation, fault } = explain(status, platform?.id, platform?.name);
  const severity: Severity = status === 503 ? 'warning' : 'critical';
  return {
    status,
    meaning: KNOWN_STATUS.has(status) ? { key: `meaning_${status}` } : { key: 'meaning_5xx', subs: [String(status)] },
    explanation,
    severity,
    // The one retry rule; a 429 is never retryable here (its Retry-After is judged when the schedule starts).
    retryable: isRetryable({ method, status }).retry,
    fault,
    ...(platform ? { platform } : {}),
    ...(reference ? { reference } : {}),
    method,
    badge: String(status),
  };
}

/** Which link of the chain failed, in the platform's own terms where we know them. */
function explain(status: number, platform: string | undefined, name: string | undefined): { explanation: Msg; fault: Fault } {
  if (platform === 'cloudflare') {
    if (status >= 520 && status <= 527) return { explanation: { key: `fault_cf_${status}` }, fault: 'origin' };
    if (status === 530) return { explanation: { key: 'fault_cf_530' }, fault: 'dns' };
    if (status === 502 || status === 504) return { explanation: { key: `fault_cf_origin_${status}` }, fault: 'origin' };
  }
  if ((platform === 'cloudfront' || platform === 'alb') && (status === 502 || status === 503 || status === 504)) {
    return { explanation: { key: `fault_${platform}_${status}` }, fault: 'origin' };
  }
  if (name && (status === 502 || status === 503 || status === 504)) {
    return { explanation: { key: `fault_gateway_${status}`, subs: [name] }, fault: 'origin' };
  }
  if (status === 500 || status === 502 || status === 503 || status === 504) {
    return { explanation: { key: `fault_generic_${status}` }, fault: 'origin' };
  }
  return { explanation: { key: 'fault_generic_5xx' }, fault: 'origin' };
}

const netKey = (category: NetErrorCategory): string => category.replace('-', '_');

const NET_FAULT: Record<NetErrorCategory, Fault> = {
  dns: 'dns',
  refused: 'origin',
  reset: 'unknown',
  'timed-out': 'unknown',
  tls: 'unknown',
  offline: 'you',
  other: 'unknown',
};

/** At most four characters: toolbar badges show little more. */
export const NET_BADGE: Record<NetErrorCategory, string> = {
  dns: 'DNS',
  refused: 'REF',
  reset: 'RST',
  'timed-out': 'TIME',
  tls: 'TLS',
  offline: 'OFF',
  other: 'ERR',
};
