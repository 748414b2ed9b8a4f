/** The registrable domain of a host name (its "site"), from a short list of multi-label registries. */

/**
 * Second-level registries where the registrable domain has three labels. Not the Public Suffix
 * List (too big to ship for this): a miss only means discovery asks `status.co.xx`, which fails
 * and yields "no page".
 */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'ltd.uk',
  'plc.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'co.kr',
  'or.kr',
  'com.br',
  'net.br',
  'org.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'com.tw',
  'com.hk',
  'com.sg',
  'com.my',
  'co.in',
  'net.in',
  'org.in',
  'co.za',
  'com.mx',
  'com.ar',
  'com.tr',
  'co.il',
  'com.ua',
  'co.id',
  'com.ph',
  'com.vn',
]);

export function registrableDomain(host: string): string | undefined {
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0)) return undefined;
  const lastTwo = labels.slice(-2).join('.');
  if (!MULTI_LABEL_SUFFIXES.has(lastTwo)) return lastTwo;
  return labels.length >= 3 ? labels.slice(-3).join('.') : undefined;
}
