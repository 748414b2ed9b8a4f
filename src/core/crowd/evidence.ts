// The crowd's evidence row and its weight in the verdict. It strengthens "down for everyone" but never decides it
// alone, and no reports (too few, or no answer) is never evidence for "just you": such a row weighs nothing.
import type { CrowdLevel, HostLookup, ProvidersRead } from './read';
import { lookupProvider } from './read';
import type { Platform } from './report';

/** A `_locales` key with its substitutions (the shape of the incident model's Msg). */
export interface CrowdMsg {
  key: string;
  subs?: string[];
}
export type CrowdWeight = 'supports-everyone' | 'none';

export interface CrowdEvidence {
  /** What other Downcheck users see of this host. */
  row: CrowdMsg;
  /** The platform the failing answer came through, when the service lists it as failing for many sites. */
  provider?: CrowdMsg;
  weight: CrowdWeight;
  /** The host's level when listed, else the platform's. */
  level?: CrowdLevel;
  /** When the service made the answer the rows come from (ms), for {@link crowdAge}. */
  asOf?: number;
}

export interface CrowdInput {
  lookup: HostLookup;
  /** The providers answer, when one was read (only when the failing answer named a platform). */
  providers?: ProvidersRead;
  via?: Platform;
  /** The host as the visitor knows it (display form). */
  host: string;
}

/** Brand names, not translated. */
export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  cloudflare: 'Cloudflare',
  cloudfront: 'Amazon CloudFront',
  'aws-alb': 'AWS Application Load Balancer',
  fastly: 'Fastly',
  akamai: 'Akamai',
  google: 'Google Cloud',
  'azure-front-door': 'Azure Front Door',
  vercel: 'Vercel',
  netlify: 'Netlify',
  heroku: 'Heroku',
};

/** Below this the ratio to the usual count is not worth saying. */
export const RATIO_SHOWN_FROM = 2;
const MINUTE_MS = 60_000;

function hostRow(lookup: HostLookup, host: string): CrowdMsg {
  if (lookup.kind === 'error') return { key: 'crowdUnavailable' };
  if (lookup.kind === 'unlisted') return { key: 'crowdTooFew' };
  const h = lookup.host;
  const subs = [String(h.reporters), String(h.networks), host];
  if (h.ratio !== null && h.ratio >= RATIO_SHOWN_FROM)
    return { key: 'crowdHostFailingRatio', subs: [...subs, String(Math.round(h.ratio))] };
  // Measured on the service's clock at both ends; "for 1 minutes" is never said: under 2 minutes is "right now".
  const minutes = Math.floor((lookup.asOf - h.since) / MINUTE_MS);
  if (minutes >= 120) return { key: 'crowdHostFailingHours', subs: [...subs, String(Math.floor(minutes / 60))] };
  if (minutes >= 2) return { key: 'crowdHostFailingMinutes', subs: [...subs, String(minutes)] };
  return { key: 'crowdHostFailing', subs };
}

/** The crowd row (and the platform's, if any) with the weight they carry in the verdict. */
export function crowdEvidence(input: CrowdInput): CrowdEvidence {
  const row = hostRow(input.lookup, input.host);
  const listed = input.lookup.kind === 'listed' ? input.lookup.host : undefined;
  const platform = input.via && input.providers ? lookupProvider(input.providers, input.via) : undefined;
  const provider = platform && { key: 'crowdProviderFailing', subs: [PLATFORM_NAMES[platform.via], String(platform.hosts)] };
  const asOf = input.lookup.kind !== 'error' ? input.lookup.asOf : platform ? input.providers!.asOf : undefined;
  return {
    row,
    ...(provider ? { provider } : {}),
    weight: listed || platform ? 'supports-everyone' : 'none',
    ...(listed || platform ? { level: (listed ?? platform)!.level } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
  };
}

/** "as of N min ago" for the popup; a time ahead of `now` (clocks differ) reads as just now. */
export function crowdAge(asOf: number, now: number): CrowdMsg {
  const minutes = Math.floor((now - asOf) / MINUTE_MS);
  return minutes < 1 ? { key: 'crowdAgeNow' } : { key: 'crowdAgeMinutes', subs: [String(minutes)] };
}

type Confidence = 'low' | 'medium' | 'high';
const STEPS: readonly Confidence[] = ['low', 'medium', 'high'];
const step = (c: Confidence, by: 1 | -1): Confidence => STEPS[Math.min(2, Math.max(0, STEPS.indexOf(c) + by))]!;
const EVERYONE = new Set(['down-for-everyone', 'partly-down']);
const JUST_YOU = new Set(['just-you-connection', 'just-you-dns', 'blocked-for-you']);

/**
 * The verdict once the crowd row is weighed: never a different kind (the crowd decides nothing alone); a supporting
 * row raises the confidence of "down for everyone" / "partly down" one step and lowers that of a "just you" one step.
 */
export function weighCrowd<V extends { kind: string; confidence: Confidence }>(verdict: V, weight: CrowdWeight): V {
  if (weight !== 'supports-everyone') return verdict;
  if (EVERYONE.has(verdict.kind)) return { ...verdict, confidence: step(verdict.confidence, 1) };
  if (JUST_YOU.has(verdict.kind)) return { ...verdict, confidence: step(verdict.confidence, -1) };
  return verdict;
}
