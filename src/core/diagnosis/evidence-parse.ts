/**
 * Validators for the stored diagnosis records (the item and the evidence cache are in stored.ts beside
 * this file; every validator gives a valid record or `undefined`, never a throw). Evidence is rebuilt
 * field by field, so what the popup shows from storage (links to a status page or an archived copy
 * included) is what the checks produced.
 */
import type {
  ArchiveOutcome,
  CheckId,
  ConnectivityOutcome,
  CrowdOutcome,
  OnlineOutcome,
  DnsOutcome,
  Evidence,
  GatewayOutcome,
  NoEvidence,
  ReprobeOutcome,
  ResolverAnswer,
  StatusPageOutcome,
  VantageNode,
  VantageOutcome,
  VantageSourceReport,
} from '../../model/evidence';
import { CHECK_IDS, NO_EVIDENCE_REASONS } from '../../model/evidence';
import type { DiagnosisRecord } from '../../model/diagnosis';
import type { Verdict } from '../../model/verdict';
import { optional, parseMsg, time } from '../schema/fields';
import { arrayOf, intIn, isRecord, numberIn, oneOf, text, token } from '../schema/validate';

const status = (value: unknown): number | undefined => intIn(value, 0, 999);
const short = (value: unknown): string | undefined => text(value, 100) || undefined;
const address = (value: unknown): string | undefined => token(value, /^[0-9a-f.:]+$/, 64);

/** A link the popup may show: http(s) only (never `javascript:` or `data:`), at most 2 KB. */
function link(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol) ? value : undefined;
  } catch {
    return undefined;
  }
}

function noEvidence(o: Record<string, unknown>): NoEvidence | undefined {
  const reason = oneOf(o.reason, NO_EVIDENCE_REASONS);
  return reason ? optional<NoEvidence>({ kind: 'none', reason }, { retryAt: time(o.retryAt) }) : undefined;
}

function reprobe(o: Record<string, unknown>): ReprobeOutcome | undefined {
  if (o.kind === 'answered') {
    const s = status(o.status);
    if (s === undefined || typeof o.redirected !== 'boolean') return undefined;
    return optional<ReprobeOutcome>({ kind: 'answered', status: s, redirected: o.redirected }, { retryAfter: text(o.retryAfter, 256) });
  }
  const error = oneOf(o.error, ['network', 'timeout'] as const);
  return o.kind === 'unreachable' && error ? { kind: 'unreachable', error } : undefined;
}

function online(o: Record<string, unknown>): OnlineOutcome | undefined {
  if (o.kind === 'offline') return { kind: 'offline' };
  const agoMs = numberIn(o.agoMs, 0, 3_600_000);
  return o.kind === 'online' && agoMs !== undefined ? { kind: 'online', agoMs } : undefined;
}

function connectivity(o: Record<string, unknown>): ConnectivityOutcome | undefined {
  const via = short(o.via);
  if (o.kind === 'online' && via) return { kind: 'online', via };
  const s = status(o.status);
  if (o.kind === 'intercepted' && via && s !== undefined) return { kind: 'intercepted', via, status: s };
  const tried = intIn(o.tried, 0, 100);
  return o.kind === 'offline' && tried !== undefined ? { kind: 'offline', tried } : undefined;
}

function gateway(o: Record<string, unknown>): GatewayOutcome | undefined {
  const links = ['gateway-to-origin', 'origin', 'origin-dns', 'name-lookup', 'refused', 'your-connection', 'path'] as const;
  const failed = oneOf(o.failed, links);
  if (o.kind !== 'link' || !failed || typeof o.siteAnswered !== 'boolean') return undefined;
  return optional<GatewayOutcome>(
    { kind: 'link', failed, siteAnswered: o.siteAnswered },
    {
      status: status(o.status),
      netError: oneOf(o.netError, ['dns', 'refused', 'reset', 'timed-out', 'tls', 'offline', 'other'] as const),
      platform: short(o.platform),
      pop: short(o.pop),
    },
  );
}

function resolverAnswer(value: unknown): ResolverAnswer | undefined {
  if (!isRecord(value)) return undefined;
  const resolver = short(value.resolver);
  const rcode = oneOf(value.rcode, ['noerror', 'nxdomain', 'servfail', 'refused', 'other'] as const);
  const addresses = arrayOf(value.addresses, address, 32);
  return resolver && rcode && addresses ? { resolver, rcode, addresses } : undefined;
}

function dns(o: Record<string, unknown>): DnsOutcome | undefined {
  const consensus = oneOf(o.consensus, ['resolves', 'nxdomain', 'servfail', 'no-address', 'inconsistent'] as const);
  const answers = arrayOf(o.answers, resolverAnswer, 8);
  const unanswered = arrayOf(
    o.unanswered,
    (u) => {
      const resolver = isRecord(u) ? short(u.resolver) : undefined;
      const reason = isRecord(u) ? oneOf(u.reason, NO_EVIDENCE_REASONS) : undefined;
      return resolver && reason ? { resolver, reason } : undefined;
    },
    8,
  );
  if (o.kind !== 'answers' || !consensus || !answers || !unanswered) return undefined;
  let local: DnsOutcome['local'];
  if (isRecord(o.local) && o.local.kind === 'failed') local = { kind: 'failed' };
  else if (isRecord(o.local) && o.local.kind === 'addresses' && typeof o.local.matches === 'boolean') {
    const addresses = arrayOf(o.local.addresses, address, 32);
    if (addresses) local = { kind: 'addresses', addresses, matches: o.local.matches };
  }
  return optional<DnsOutcome>(
    { kind: 'answers', consensus, answers, unanswered },
    { browserIp: address(o.browserIp), browserIpMatches: typeof o.browserIpMatches === 'boolean' ? o.browserIpMatches : undefined, local },
  );
}

function vantageNode(value: unknown): VantageNode | undefined {
  if (!isRecord(value)) return undefined;
  const source = short(value.source);
  const location = text(value.location, 100);
  const state = oneOf(value.state, ['up', 'server-error', 'unreachable'] as const);
  if (!source || location === undefined || !state) return undefined;
  return optional<VantageNode>(
    { source, location, state },
    { country: token(value.country, /^[A-Z]{2}$/, 2), status: status(value.status), ms: numberIn(value.ms, 0, 3_600_000) },
  );
}

function vantageSource(value: unknown): VantageSourceReport | undefined {
  if (!isRecord(value)) return undefined;
  const source = short(value.source);
  const result = oneOf(value.result, ['complete', 'partial', ...NO_EVIDENCE_REASONS] as const);
  return source && result ? optional<VantageSourceReport>({ source, result }, { retryAt: time(value.retryAt) }) : undefined;
}

function vantage(o: Record<string, unknown>): VantageOutcome | undefined {
  const nodes = arrayOf(o.nodes, vantageNode, 200);
  const sources = arrayOf(o.sources, vantageSource, 10);
  const up = intIn(o.up, 0, 1000);
  const down = intIn(o.down, 0, 1000);
  if (o.kind !== 'observed' || !nodes || !sources || up === undefined || down === undefined) return undefined;
  return { kind: 'observed', nodes, up, down, sources };
}

function statusPage(o: Record<string, unknown>): StatusPageOutcome | undefined {
  if (o.kind === 'no-page') return { kind: 'no-page' };
  const page = short(o.page);
  const pageUrl = link(o.pageUrl);
  const found = oneOf(o.found, ['known', 'discovered'] as const);
  const indicator = oneOf(o.indicator, ['none', 'minor', 'major', 'critical', 'maintenance'] as const);
  const description = text(o.description, 200);
  if (o.kind !== 'reported' || !page || !pageUrl || !found || !indicator || description === undefined) return undefined;
  return { kind: 'reported', page, pageUrl, found, indicator, description };
}

function archive(o: Record<string, unknown>): ArchiveOutcome | undefined {
  if (o.kind === 'not-archived') return { kind: 'not-archived' };
  const snapshotUrl = link(o.snapshotUrl);
  const timestamp = token(o.timestamp, /^\d{14}$/, 14);
  const date = token(o.date, /^\d{4}-\d{2}-\d{2}$/, 10);
  return o.kind === 'archived' && snapshotUrl && timestamp && date ? { kind: 'archived', snapshotUrl, timestamp, date } : undefined;
}

function crowd(o: Record<string, unknown>): CrowdOutcome | undefined {
  const kind = oneOf(o.kind, ['listed', 'unlisted', 'unread'] as const);
  const weight = oneOf(o.weight, ['supports-everyone', 'none'] as const);
  if (!kind || !weight) return undefined;
  return optional<CrowdOutcome>(
    { kind, weight },
    { level: oneOf(o.level, ['possible', 'widespread'] as const), asOf: time(o.asOf), provider: parseMsg(o.provider) },
  );
}

const OUTCOMES: { [C in CheckId]: (o: Record<string, unknown>) => Extract<Evidence, { check: C }>['outcome'] | undefined } = {
  reprobe,
  online,
  connectivity,
  gateway,
  dns,
  vantage,
  'status-page': statusPage,
  archive,
  crowd,
};

export function parseEvidence(value: unknown): Evidence | undefined {
  if (!isRecord(value) || !isRecord(value.outcome)) return undefined;
  const check = oneOf(value.check, CHECK_IDS);
  const summary = parseMsg(value.summary);
  const ms = numberIn(value.ms, 0, 3_600_000);
  if (!check || !summary || ms === undefined) return undefined;
  const outcome = value.outcome.kind === 'none' ? noEvidence(value.outcome) : OUTCOMES[check](value.outcome);
  if (!outcome) return undefined;
  return optional({ check, outcome, summary, ms } as Evidence, {
    cached: value.cached === true ? true : undefined,
    partial: value.partial === true ? true : undefined,
  });
}

function parseVerdict(value: unknown): Verdict | undefined {
  if (!isRecord(value)) return undefined;
  const kinds = ['down-for-everyone', 'partly-down', 'just-you-connection', 'just-you-dns', 'blocked-for-you', 'back-up', 'cant-tell'];
  const kind = oneOf(value.kind, kinds as readonly Verdict['kind'][]);
  const confidence = oneOf(value.confidence, ['low', 'medium', 'high'] as const);
  const reasons = arrayOf(value.reasons, parseMsg, 20);
  return kind && confidence && reasons ? { kind, confidence, reasons } : undefined;
}

const DIAGNOSIS_FIELDS = {
  host: true,
  incidentTime: true,
  startedAt: true,
  outside: true,
  evidence: true,
  verdict: true,
  done: true,
} as const satisfies Record<keyof DiagnosisRecord, true>;
export const DIAGNOSIS_FIELD_NAMES = Object.keys(DIAGNOSIS_FIELDS);

export function parseDiagnosis(value: unknown): DiagnosisRecord | undefined {
  if (!isRecord(value)) return undefined;
  const host = token(value.host, /^[^\s/?#@]+$/, 255);
  const startedAt = time(value.startedAt);
  const evidence = arrayOf(value.evidence, parseEvidence, CHECK_IDS.length * 2);
  const verdict = parseVerdict(value.verdict);
  if (!host || startedAt === undefined || !evidence || !verdict) return undefined;
  if (typeof value.outside !== 'boolean' || typeof value.done !== 'boolean') return undefined;
  return optional<DiagnosisRecord>(
    { host, startedAt, outside: value.outside, evidence, verdict, done: value.done },
    { incidentTime: time(value.incidentTime) },
  );
}
