/**
 * Archived copy: does the Wayback Machine have the site, for "read it meanwhile"? Asks the
 * availability API for the origin's front page only (`<origin>/`): a path or query may hold
 * tokens, so they are never sent. Needs consent.
 */
import { fetchJson, timeLeft } from '../kit/http';
import { describeUrl } from '../../core/net/url';
import { isRecord, token } from '../../core/schema/validate';
import { noEvidence, refuseOutside } from '../kit/no-evidence';
import type { ArchiveOutcome, EvidenceFor } from '../../model/evidence';
import type { Check, CheckContext } from '../kit/types';

export const ARCHIVE_TIMEOUT_MS = 5_000;
const MAX_BYTES = 32 * 1024;
const SNAPSHOT_HOSTS = new Set(['web.archive.org', 'archive.org']);

/** `{ archived_snapshots: { closest?: { available, url, timestamp, status } } }` */
export function parseAvailability(json: unknown): ArchiveOutcome | undefined {
  if (!isRecord(json) || !isRecord(json.archived_snapshots)) return undefined;
  const closest = json.archived_snapshots.closest;
  if (closest === undefined || closest === null) return { kind: 'not-archived' };
  if (!isRecord(closest)) return undefined;
  if (closest.available !== true) return { kind: 'not-archived' };
  const timestamp = token(closest.timestamp, /^\d{14}$/);
  const snapshotUrl = safeSnapshotUrl(closest.url);
  if (!timestamp || !snapshotUrl) return undefined;
  return { kind: 'archived', snapshotUrl, timestamp, date: `${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${timestamp.slice(6, 8)}` };
}

/** Only links into the Wayback Machine, always over https: the popup will offer this link. */
function safeSnapshotUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 2048) return undefined;
  try {
    const url = new URL(raw);
    if (
      !SNAPSHOT_HOSTS.has(url.hostname) ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username ||
      url.password ||
      url.port
    )
      return undefined;
    url.protocol = 'https:';
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * A Wayback link for the page itself (path kept, query and fragment dropped), built locally for
 * the popup; nothing is requested until the user follows it.
 */
export function waybackLinkFor(pageUrl: string): string | undefined {
  const info = describeUrl(pageUrl);
  if (!info.ok || !info.isWeb) return undefined;
  const url = new URL(pageUrl);
  return `https://web.archive.org/web/2/${url.origin}${url.pathname}`;
}

export const archiveCheck: Check = {
  id: 'archive',
  needsConsent: true,
  async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'archive'>> {
    const started = ctx.now();
    const refused = refuseOutside(ctx);
    if (refused) return noEvidence('archive', refused, 0);
    const origin = describeUrl(ctx.origin);
    if (!origin.ok || !origin.isWeb) return noEvidence('archive', 'not-applicable', 0);
    const result = await fetchJson(ctx, `${ctx.endpoints.wayback}/wayback/available?url=${encodeURIComponent(`${origin.origin}/`)}`, {
      headers: { accept: 'application/json' },
      maxBytes: MAX_BYTES,
      timeoutMs: timeLeft(ctx, ARCHIVE_TIMEOUT_MS),
      signal,
      rateKey: 'wayback',
      parse: parseAvailability,
    });
    const ms = ctx.now() - started;
    if (!result.ok) return noEvidence('archive', result.reason, ms, result.retryAt);
    const outcome = result.value;
    return outcome.kind === 'archived'
      ? { check: 'archive', outcome, summary: { key: 'check_archive_found', subs: [outcome.date] }, ms }
      : { check: 'archive', outcome, summary: { key: 'check_archive_missing' }, ms };
  },
};
