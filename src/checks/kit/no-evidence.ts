/** Small helpers shared by the checks: "no evidence" results and the privacy gate for outside checks. */
import type { Msg } from '../../model/message-text';
import { describeUrl, isPrivateHost } from '../../core/net/url';
import { noneLocaleKey } from './locale-keys';
import type { CheckContext } from './types';
import type { CheckId, EvidenceFor, NoEvidenceReason } from '../../model/evidence';

/** `check_none_timeout`, `check_none_rate_limited`, … (shown next to the check's name). */
export const noneSummary = (reason: NoEvidenceReason): Msg => ({ key: noneLocaleKey(reason) });

export function noEvidence<C extends CheckId>(check: C, reason: NoEvidenceReason, ms: number, retryAt?: number): EvidenceFor<C> {
  return {
    check,
    outcome: { kind: 'none', reason, ...(retryAt !== undefined ? { retryAt } : {}) },
    summary: noneSummary(reason),
    ms: Math.max(0, ms),
  } as EvidenceFor<C>;
}

/**
 * Why an outside check must not run for this context, if it must not: private and intranet
 * hosts never leave the browser, and neither does anything that is not a plain host name.
 */
export function refuseOutside(ctx: Pick<CheckContext, 'host'> & Partial<Pick<CheckContext, 'origin'>>): NoEvidenceReason | undefined {
  if (typeof ctx.host !== 'string' || isPrivateHost(ctx.host)) return 'private-host';
  // Some checks send the origin rather than the host: it must be just as public.
  if (ctx.origin !== undefined) {
    const origin = describeUrl(ctx.origin);
    if (origin.ok && origin.isWeb && isPrivateHost(origin.host)) return 'private-host';
  }
  if (!/^(?:[a-z0-9_-]{1,63}\.)+[a-z0-9-]{1,63}\.?$|^\[[0-9a-f:.]+\]$/i.test(ctx.host)) return 'not-applicable';
  return undefined;
}

/** The host without a trailing dot, for sending. */
export const bareHost = (host: string): string => host.replace(/\.$/, '');

/** Whether a host is an IP literal (IPv4 dotted quad or bracketed IPv6). */
export const isIpLiteral = (host: string): boolean => /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
