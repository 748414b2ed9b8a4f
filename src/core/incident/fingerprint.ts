import type { Platform, PlatformId, SupportReference } from '../../model/incident';

/**
 * Which platform answered, read from the allowlisted response headers
 * (see ../shared/reference/outside-services.md). CDNs are tried before the servers they
 * commonly front: a Cloudflare 502 from an nginx origin carries `server: cloudflare`.
 */
export interface Fingerprint {
  platform?: Platform;
  reference?: SupportReference;
}

type Headers = Readonly<Record<string, string>>;

interface Rule {
  id: PlatformId;
  name: string;
  matches(h: Headers): boolean;
  pop?(h: Headers): string | undefined;
  reference?(h: Headers): SupportReference | undefined;
}

const has = (h: Headers, name: string, pattern: RegExp): boolean => pattern.test(h[name] ?? '');
const ref = (h: Headers, kind: string): SupportReference | undefined => {
  const value = h[kind];
  return value ? { kind, value: value.split(',')[0]!.trim() } : undefined;
};
/** POP codes are short and alphanumeric; anything else is not shown. */
const popCode = (value: string | undefined): string | undefined => (value && /^[A-Za-z0-9-]{2,20}$/.test(value) ? value : undefined);

const RULES: readonly Rule[] = [
  {
    id: 'cloudflare',
    name: 'Cloudflare',
    matches: (h) => has(h, 'server', /^cloudflare/i) || 'cf-ray' in h,
    // cf-ray: <16 hex>-<IATA code of the data centre>
    pop: (h) => popCode(/-([A-Za-z]{3})\s*$/.exec(h['cf-ray'] ?? '')?.[1]?.toUpperCase()),
    reference: (h) => ref(h, 'cf-ray'),
  },
  {
    id: 'cloudfront',
    name: 'Amazon CloudFront',
    matches: (h) => 'x-amz-cf-pop' in h || 'x-amz-cf-id' in h || has(h, 'via', /cloudfront/i) || has(h, 'x-cache', /cloudfront/i),
    pop: (h) => popCode(h['x-amz-cf-pop']?.split(',')[0]?.trim()),
    reference: (h) => ref(h, 'x-amz-cf-id'),
  },
  {
    id: 'fastly',
    name: 'Fastly',
    matches: (h) => has(h, 'x-served-by', /\bcache-/i),
    // x-served-by: cache-fra-eddf8230099-FRA (shielding adds a second entry)
    pop: (h) => popCode(/-([A-Z]{3})\s*(?:,|$)/.exec(h['x-served-by'] ?? '')?.[1]),
    reference: (h) => ref(h, 'x-served-by'),
  },
  {
    id: 'akamai',
    name: 'Akamai',
    matches: (h) => has(h, 'server', /akamai/i) || 'x-akamai-request-id' in h,
    reference: (h) => ref(h, 'x-akamai-request-id'),
  },
  {
    id: 'vercel',
    name: 'Vercel',
    matches: (h) => has(h, 'server', /^vercel/i) || 'x-vercel-id' in h,
    // x-vercel-id: fra1::iad1::abcde-1700000000000-0123456789ab — the first region served the visitor
    pop: (h) => popCode(h['x-vercel-id']?.split('::')[0]),
    reference: (h) => ref(h, 'x-vercel-id'),
  },
  {
    id: 'netlify',
    name: 'Netlify',
    matches: (h) => has(h, 'server', /^netlify/i) || 'x-nf-request-id' in h,
    reference: (h) => ref(h, 'x-nf-request-id'),
  },
  {
    id: 'azure-front-door',
    name: 'Azure Front Door',
    matches: (h) => 'x-azure-ref' in h,
    reference: (h) => ref(h, 'x-azure-ref'),
  },
  { id: 'heroku', name: 'Heroku', matches: (h) => has(h, 'via', /\bvegur\b/i) },
  { id: 'google', name: 'Google Cloud', matches: (h) => has(h, 'via', /\bgoogle\b/i) || has(h, 'server', /^(google frontend|gws|gfe)/i) },
  { id: 'alb', name: 'AWS Application Load Balancer', matches: (h) => has(h, 'server', /^awselb/i) },
  {
    id: 'varnish',
    name: 'Varnish',
    matches: (h) => 'x-varnish' in h || has(h, 'via', /varnish/i) || has(h, 'server', /^varnish/i),
    reference: (h) => ref(h, 'x-varnish'),
  },
  { id: 'nginx', name: 'nginx', matches: (h) => has(h, 'server', /^(nginx|openresty)/i) },
  { id: 'apache', name: 'Apache', matches: (h) => has(h, 'server', /^apache/i) },
];

export function fingerprint(headers: Headers): Fingerprint {
  for (const rule of RULES) {
    if (!rule.matches(headers)) continue;
    const pop = rule.pop?.(headers);
    const reference = rule.reference?.(headers);
    return {
      platform: { id: rule.id, name: rule.name, ...(pop ? { pop } : {}) },
      ...(reference ? { reference } : {}),
    };
  }
  return {};
}
