import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../../src/checks/all-checks';
import { runChecks } from '../../../../src/checks/run';
import type { Evidence } from '../../../../src/model/evidence';
import { classify } from '../../../../src/core/incident/classify';
import { parseDiagnosis, parseEvidence } from '../../../../src/core/diagnosis/evidence-parse';
import { verdict } from '../../../../src/core/diagnosis/verdict';
import type { DiagnosisRecord } from '../../../../src/model/diagnosis';
import { DEFAULT_BEHAVIOUR } from '../../../fixtures/outside-services.mjs';
import { contextFor, useOutsideServices } from '../../checks/helpers';

/**
 * What the checks really produce must come back from storage unchanged: the stored-evidence
 * validators are run over the evidence of every check, final and interim, against the stand-ins
 * answering in many ways (every outcome kind the checks have).
 */
const services = useOutsideServices();
const EVERYTHING = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };
const PROMPT = { checkHost: { nullPolls: 0 }, globalping: { inProgressPolls: 0 } };

const NONE = { snapshot: null };
const LIMITED = { fault: 'rate-limited' };
const TROUBLE = { indicator: 'major', description: 'Partial outage' };

const SCENARIOS: Array<[string, object, string?]> = [
  ['defaults', PROMPT],
  [
    'all down',
    {
      checkHost: {
        nullPolls: 0,
        nodes: DEFAULT_BEHAVIOUR.checkHost.nodes!.map((n, i) => ({ ...n, state: i ? 'error' : 'unreachable', status: 502 })),
      },
      globalping: { inProgressPolls: 0, probes: DEFAULT_BEHAVIOUR.globalping.probes!.map((p) => ({ ...p, state: 'error', status: 502 })) },
    },
  ],
  ['nxdomain, captive portal, nothing archived', { ...PROMPT, doh: { rcode: 'NXDOMAIN' }, connectivity: { captive: true }, wayback: NONE }],
  ['rate limited everywhere', { checkHost: LIMITED, globalping: LIMITED, doh: LIMITED }],
  ['a status page that reports trouble', { ...PROMPT, statusPage: { pages: { 'www.githubstatus.com': TROUBLE } } }, 'github.com'],
  ['the site itself answers 503', { ...PROMPT, site: { status: 503, headers: { 'retry-after': '120' } } }],
];

describe('evidence as the checks produce it survives storage', () => {
  it.each(SCENARIOS)('%s', async (_name, behaviour, host = 'shop.example') => {
    services.setBehaviour(behaviour);
    const url = `https://${host}/x`;
    const headers = [
      { name: 'server', value: 'cloudflare' },
      { name: 'cf-ray', value: '1-FRA' },
    ];
    const incident = classify({ kind: 'http', url, status: 522, headers, time: 1 })!;
    const seen: Evidence[] = [];
    const ctx = contextFor(services, { host, origin: `https://${host}`, url, incident, browserIp: '93.184.216.34' });
    const evidence = await runChecks(ALL_CHECKS, ctx, { deadlineMs: 4000, consent: EVERYTHING, onEvidence: (e) => void seen.push(e) });
    expect(evidence.length).toBe(ALL_CHECKS.length);
    for (const e of [...evidence, ...seen]) {
      const stored = JSON.parse(JSON.stringify(e));
      expect(parseEvidence(stored), e.check).toEqual(stored);
    }
    const record: DiagnosisRecord = { host, startedAt: 2, outside: true, evidence, verdict: verdict(evidence), done: true };
    const stored = JSON.parse(JSON.stringify(record));
    expect(parseDiagnosis(stored)).toEqual(stored);
  });
});

describe('the crowd row survives storage', () => {
  const row: Evidence = {
    check: 'crowd',
    outcome: {
      kind: 'listed',
      weight: 'supports-everyone',
      level: 'widespread',
      asOf: Date.UTC(2026, 11, 7, 12),
      provider: { key: 'crowdProviderFailing', subs: ['Cloudflare', '150'] },
    },
    summary: { key: 'crowdHostFailingRatio', subs: ['310', '41', 'shop.example', '25'] },
    ms: 40,
  };

  it('as the check writes it, unchanged; the least of it too', () => {
    expect(parseEvidence(row)).toEqual(row);
    const least = { ...row, outcome: { kind: 'unread', weight: 'none' } } as Evidence;
    expect(parseEvidence(least)).toEqual(least);
  });

  it('an unknown kind or weight is no evidence; a bad optional field is left out', () => {
    expect(parseEvidence({ ...row, outcome: { ...row.outcome, kind: 'maybe' } })).toBeUndefined();
    expect(parseEvidence({ ...row, outcome: { ...row.outcome, weight: 'just-you' } })).toBeUndefined();
    const odd = parseEvidence({ ...row, outcome: { ...row.outcome, level: 'huge', asOf: -1, provider: { key: 'x y' } } });
    expect(odd?.outcome).toEqual({ kind: 'listed', weight: 'supports-everyone' });
  });
});
