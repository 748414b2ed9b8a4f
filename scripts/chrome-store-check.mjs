// The Chrome Web Store's package rules that a machine can check, applied to the Chrome zip:
//   node scripts/chrome-store-check.mjs [artifacts/downcheck-<version>-chrome.zip]
// Exit 0 and one line per rule when it passes; each problem on its own line and exit 1 otherwise.
// Rules (developer.chrome.com/docs/webstore: "Prepare your extension", "Supplying images",
// "Remotely hosted code", manifest reference for name/description limits):
//   - manifest_version 3, a name, a version of 1–4 dot-separated integers, a description
//   - icons 16, 32, 48 and 128 declared, present, PNG, and of exactly those pixel sizes (same for action icons)
//   - every locale's description at most 132 characters and name at most 75 (after __MSG_…__ substitution)
//   - no remotely hosted code: no http(s) or protocol-relative script src in HTML, no remote import()/importScripts,
//     no eval / new Function / string timers in the bundles, no remote script source in the CSP
//   - no update_url (the store serves updates), no Firefox-only keys, no source maps, stray or test-only files
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedFileProblems } from './package.mjs';
import { readZip } from './zip.mjs';

export const ICON_SIZES = [16, 32, 48, 128];
export const MAX_DESCRIPTION = 132;
export const MAX_NAME = 75;

/** Width and height of a PNG, or null when `data` is not one. */
export function pngSize(data) {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!data || data.length < 24 || signature.some((b, i) => data[i] !== b) || data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

const MSG = /^__MSG_(\w+)__$/;

/** Chrome's substitution of __MSG_name__ (names are case-insensitive). */
function localized(value, messages) {
  const m = typeof value === 'string' ? MSG.exec(value) : null;
  if (!m) return value;
  const key = Object.keys(messages).find((k) => k.toLowerCase() === m[1].toLowerCase());
  return key ? messages[key]?.message : undefined;
}

// Code that turns strings into code, which the store treats as remote code when the string could come from anywhere.
const DYNAMIC_CODE = [
  [/(?<![\w$.])eval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/(?<!new\s+)(?<![\w$.])Function\s*\(\s*["'`]/, 'Function("…")'],
  [/\bset(?:Timeout|Interval)\s*\(\s*["'`]/, 'a string timer'],
  [/\bimport\s*\(\s*["'`](?:https?:)?\/\//, 'import() of a remote URL'],
  [/\bimportScripts\s*\(\s*["'`](?:https?:)?\/\//, 'importScripts() of a remote URL'],
];
const REMOTE_SCRIPT_TAG = /<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?\/\//i;
const REMOTE_CSP = /(?:https?:|\*|'unsafe-eval'|\/\/)/i;

/** Problems in a Chrome package given as [{ name, data }]; an empty list means it passes. */
export function checkChromePackage(entries) {
  const problems = [];
  const files = new Map(entries.map((e) => [e.name, e.data]));
  const manifestData = files.get('manifest.json');
  if (!manifestData) return ['manifest.json is missing at the top of the package'];
  let manifest;
  try {
    manifest = JSON.parse(manifestData.toString('utf8'));
  } catch (error) {
    return [`manifest.json is not JSON: ${error.message}`];
  }

  if (manifest.manifest_version !== 3) problems.push(`manifest_version is ${manifest.manifest_version}, the store takes 3`);
  if (typeof manifest.version !== 'string' || !/^(0|[1-9]\d{0,8})(\.(0|[1-9]\d{0,8})){0,3}$/.test(manifest.version)) {
    problems.push(`version "${manifest.version}" is not 1–4 dot-separated integers`);
  }
  for (const key of ['name', 'description'])
    if (typeof manifest[key] !== 'string' || !manifest[key]) problems.push(`manifest has no ${key}`);
  if (manifest.update_url) problems.push('update_url is set: the store serves updates itself');
  if (manifest.browser_specific_settings || manifest.applications)
    problems.push('Firefox-only keys (browser_specific_settings) in the Chrome package');
  if (typeof manifest.background?.service_worker !== 'string') problems.push('no background.service_worker');
  else if (!files.has(manifest.background.service_worker))
    problems.push(`background.service_worker ${manifest.background.service_worker} is not in the package`);

  const checkIcons = (icons, where, required) => {
    for (const size of required) if (!icons?.[size]) problems.push(`${where} has no ${size}×${size} icon`);
    for (const [size, path] of Object.entries(icons ?? {})) {
      const data = files.get(String(path).replace(/^\//, ''));
      if (!data) {
        problems.push(`${where} ${size}: ${path} is not in the package`);
        continue;
      }
      const dims = pngSize(data);
      if (!dims) problems.push(`${where} ${size}: ${path} is not a PNG`);
      else if (dims.width !== Number(size) || dims.height !== Number(size))
        problems.push(`${where} ${size}: ${path} is ${dims.width}×${dims.height}`);
    }
  };
  checkIcons(manifest.icons, 'icons', ICON_SIZES);
  if (manifest.action?.default_icon && typeof manifest.action.default_icon === 'object')
    checkIcons(manifest.action.default_icon, 'action.default_icon', []);

  // Locales: every _locales/<lang>/messages.json, and the default one must exist when __MSG_ is used.
  const locales = [...files.keys()].map((n) => /^_locales\/([^/]+)\/messages\.json$/.exec(n)?.[1]).filter(Boolean);
  const usesMessages = MSG.test(String(manifest.name)) || MSG.test(String(manifest.description));
  if (usesMessages && !manifest.default_locale) problems.push('the manifest uses __MSG_…__ but has no default_locale');
  if (manifest.default_locale && !locales.includes(manifest.default_locale))
    problems.push(`default_locale ${manifest.default_locale} has no messages.json`);
  const nameAndDescription = locales.length
    ? locales.map((lang) => {
        let messages = {};
        try {
          messages = JSON.parse(files.get(`_locales/${lang}/messages.json`).toString('utf8'));
        } catch (error) {
          problems.push(`_locales/${lang}/messages.json is not JSON: ${error.message}`);
        }
        return { where: lang, name: localized(manifest.name, messages), description: localized(manifest.description, messages) };
      })
    : [{ where: 'manifest', name: manifest.name, description: manifest.description }];
  for (const { where, name, description } of nameAndDescription) {
    if (typeof name !== 'string' || !name.trim()) problems.push(`${where}: no name`);
    else if ([...name].length > MAX_NAME) problems.push(`${where}: name has ${[...name].length} characters (at most ${MAX_NAME})`);
    if (typeof description !== 'string' || !description.trim()) problems.push(`${where}: no description`);
    else if ([...description].length > MAX_DESCRIPTION) {
      problems.push(`${where}: description has ${[...description].length} characters (at most ${MAX_DESCRIPTION})`);
    }
  }

  // Remote code.
  const csp = manifest.content_security_policy;
  for (const policy of typeof csp === 'string' ? [csp] : Object.values(csp ?? {})) {
    const scriptSrc = /script-src([^;]*)/.exec(String(policy))?.[1] ?? '';
    if (REMOTE_CSP.test(scriptSrc)) problems.push(`content_security_policy allows remote or evaluated script: ${policy}`);
  }
  problems.push(...shippedFileProblems([...files.keys()]));
  for (const [name, data] of files) {
    if (/\.html?$/i.test(name) && REMOTE_SCRIPT_TAG.test(data.toString('utf8'))) problems.push(`${name}: loads a script from the network`);
    if (/\.[cm]?js$/i.test(name)) {
      const code = data.toString('utf8');
      for (const [pattern, what] of DYNAMIC_CODE) if (pattern.test(code)) problems.push(`${name}: ${what}`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  const zip = resolve(process.argv[2] ?? resolve(root, 'artifacts', `downcheck-${version}-chrome.zip`));
  let problems;
  try {
    problems = checkChromePackage(readZip(readFileSync(zip)));
  } catch (error) {
    problems = [`cannot read ${zip}: ${error.message}`];
  }
  if (problems.length) {
    console.error(`Chrome Web Store check of ${zip}: ${problems.length} problem(s)`);
    for (const p of problems) console.error(`  ✘ ${p}`);
    process.exit(1);
  }
  console.log(`Chrome Web Store check of ${zip}: passed`);
  console.log(`  ✔ manifest v3, name, version, description; no update_url, no Firefox keys, service worker present`);
  console.log(`  ✔ icons ${ICON_SIZES.join('/')} present, PNG, of those pixel sizes`);
  console.log(`  ✔ every locale: name ≤ ${MAX_NAME}, description ≤ ${MAX_DESCRIPTION} characters`);
  console.log(`  ✔ no remote code: no remote script src, no eval/new Function/string timers, no remote import, CSP local only`);
  console.log(`  ✔ no source maps, dot files, OS strays or test-only files (the panel preview, test-pages/)`);
}
