/**
 * Reports a tab's failure to the crowd service, under the rules of core/crowd/should-report.ts. Only failure
 * paths call it (the incident chain, and the diagnosis for a DNS failure once public DNS vouched); it is never
 * awaited by anything else, and a lost or slow service costs one retry at most.
 */
import type { PublicDnsVerdict } from '../../core/net/intranet';
import { reportFactsOf } from '../../core/crowd/incident-facts';
import { deviceSecretFrom } from '../../core/crowd/reporter';
import { decideReport, recordSent, reportGate, type ReportDecision } from '../../core/crowd/should-report';
import { hostKeyOf } from '../../core/crowd/report';
import { crowdSecretItem, crowdSentItem } from '../../core/crowd/stored';
import type { Incident } from '../../model/incident';
import { sendReport } from '../../platform/crowd-client';
import * as store from '../../platform/store';
import { activeService, lastReadOf } from './access';

/** One decision at a time, so two tabs failing on the same host together send one report. */
let queue: Promise<unknown> = Promise.resolve();

/** The device secret, made and stored on first need (a damaged one is replaced, never repaired). */
async function deviceSecret(): Promise<string> {
  const { secret, fresh } = deviceSecretFrom(await store.read(crowdSecretItem));
  if (fresh) await store.write(crowdSecretItem, secret);
  return secret;
}

/**
 * Decides, records and sends the report for `incident` (a main-frame failure of a tab). Resolves with the
 * decision once the report is recorded; the request itself (and its one retry) goes on without anyone waiting.
 */
export function reportFailure(
  incident: Incident,
  { incognito, publicDns }: { incognito: boolean; publicDns?: PublicDnsVerdict },
): Promise<ReportDecision> {
  const decided = queue.then(async (): Promise<ReportDecision> => {
    // Nothing is read or computed without the opt-in and a service address: the first rule, checked first.
    const service = await activeService();
    if (!service) return { skip: 'opted-out' };
    const now = Date.now();
    const hostKey = await hostKeyOf(incident.host);
    const lastRead = lastReadOf(hostKey);
    const facts = reportFactsOf(incident, {
      optedIn: true,
      serviceConfigured: true,
      incognito,
      ...(publicDns ? { publicDns } : {}),
      sent: await store.read(crowdSentItem),
      ...(lastRead ? { lastRead } : {}),
      now,
    });
    // The secret is made only for a failure that passes every other rule: nothing is stored for the rest.
    const gate = reportGate(facts);
    if ('skip' in gate) return gate;
    const decision = await decideReport(facts, await deviceSecret());
    if (!('report' in decision)) return decision;
    // Recorded before it is sent: a failing service is not asked again for this host within 10 minutes.
    await store.update(crowdSentItem, (sent) => recordSent(sent, decision.report.hostKey, now));
    void sendReport(service, decision.report).catch(() => undefined);
    return decision;
  });
  queue = decided.catch(() => undefined);
  return decided;
}
