// Read in the extension's own pages by the e2e, soak and chaos runs (no browser driver imported here).
/**
 * In an extension page (passed to `extEval`/`pageEval`): every alarm, and for each origin in `origins` the name
 * its `prefix` alarm must have: `<prefix>` and the first 128 bits of HMAC-SHA-256(alarm-key, origin) in hex
 * (src/platform/alarms.ts), computed here independently with Web Crypto.
 */
export async function alarmsInPage({ prefix, origins }) {
  const api = globalThis.browser ?? globalThis.chrome;
  const names = (await api.alarms.getAll()).map((a) => a.name);
  const hex = (await api.storage.session.get('alarm-key'))['alarm-key'];
  const expected = {};
  if (typeof hex === 'string') {
    const raw = new Uint8Array(hex.match(/../g).map((pair) => parseInt(pair, 16)));
    const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    for (const origin of origins) {
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(origin)));
      expected[origin] = prefix + [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
  }
  return { names, expected };
}
