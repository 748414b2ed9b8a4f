// Moves whole files into rooms by concern and rewrites every relative import to match.
// `node scripts/refactor/move-tree.mjs [--dry-run]` moves with git mv; `--rewrite-only` only rewrites imports that
// still point at an old path (for a branch made before the move). Exits 1 on an import it cannot resolve.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const dry = process.argv.includes('--dry-run');
const rewriteOnly = process.argv.includes('--rewrite-only');

// old → new, relative to src/.
const SRC = {
  'shared/incident.ts': 'model/incident.ts',
  'shared/diagnosis.ts': 'model/diagnosis.ts',
  'shared/retry.ts': 'model/retry.ts',
  'shared/messages.ts': 'protocol/messages.ts',
  'core/validate.ts': 'core/schema/validate.ts',
  'core/timers.ts': 'core/async/timers.ts',
  'core/concurrency.ts': 'core/async/concurrency.ts',
  ...Object.fromEntries(['url', 'idn', 'ip', 'headers', 'domain', 'intranet', 'next-hop'].map((f) => [`core/${f}.ts`, `core/net/${f}.ts`])),
  'core/settings.ts': 'core/settings/settings.ts',
  'core/consent.ts': 'core/settings/consent.ts',
  'core/retry-policy.ts': 'core/retry/policy.ts',
  'core/retry-schedule.ts': 'core/retry/schedule.ts',
  'core/retry-after.ts': 'core/retry/retry-after.ts',
  'core/quiet.ts': 'core/retry/quiet.ts',
  'core/watch.ts': 'core/retry/watch.ts',
  'core/alarm-names.ts': 'core/retry/alarm-names.ts',
  'core/hmac.ts': 'core/retry/hmac.ts',
  ...Object.fromEntries(
    ['classify', 'fingerprint', 'net-error', 'soft-error', 'soft-limit'].map((f) => [`core/${f}.ts`, `core/incident/${f}.ts`]),
  ),
  'core/suspect.ts': 'core/incident/transition-method.ts',
  'core/verdict.ts': 'core/diagnosis/verdict.ts',
  'core/verdict-keys.ts': 'core/diagnosis/verdict-keys.ts',
  'core/evidence.ts': 'core/diagnosis/evidence.ts',
  'core/chain.ts': 'core/diagnosis/chain.ts',
  'core/reachability.ts': 'core/diagnosis/reachability.ts',
  'core/stored-evidence.ts': 'core/diagnosis/evidence-parse.ts',
  ...Object.fromEntries(
    ['answer', 'badge', 'guide', 'history', 'report', 'retry-view', 'panel-host'].map((f) => [`core/${f}.ts`, `core/present/${f}.ts`]),
  ),
  ...Object.fromEntries(
    ['stored', 'stored-keys', 'stored-worker', 'stored-outside'].map((f) => [`core/${f}.ts`, `core/schema/legacy/${f}.ts`]),
  ),
  ...Object.fromEntries(['types', 'http', 'limits', 'endpoints'].map((f) => [`checks/${f}.ts`, `checks/kit/${f}.ts`])),
  'checks/evidence.ts': 'checks/kit/no-evidence.ts',
  'checks/messages.ts': 'checks/kit/locale-keys.ts',
  ...Object.fromEntries(
    ['reprobe', 'online', 'connectivity', 'dns', 'gateway', 'status-page', 'archive'].map((f) => [
      `checks/${f}.ts`,
      `checks/sources/${f}.ts`,
    ]),
  ),
  'checks/vantage.ts': 'checks/sources/vantage/check.ts',
  'checks/vantage-source.ts': 'checks/sources/vantage/source.ts',
  'checks/vantage-check-host.ts': 'checks/sources/vantage/check-host.ts',
  'checks/vantage-globalping.ts': 'checks/sources/vantage/globalping.ts',
  'checks/index.ts': 'checks/all-checks.ts',
  'platform/request.ts': 'platform/message-client.ts',
  'platform/messaging.ts': 'platform/message-server.ts',
  'platform/requests.ts': 'platform/web-request.ts',
  'platform/site-data-permission.ts': 'platform/clearing-permission.ts',
  'background/tab-lock.ts': 'background/tab/locks.ts',
  'background/badge-view.ts': 'background/tab/view.ts',
  'background/retry.ts': 'background/retry/retry.ts',
  'background/probe-timer.ts': 'background/retry/wake-ups.ts',
  'background/watch.ts': 'background/retry/watch.ts',
  'background/diagnose.ts': 'background/diagnosis/diagnose.ts',
  'background/consent-trigger.ts': 'background/diagnosis/consent-trigger.ts',
  'background/check-any.ts': 'background/diagnosis/check-any.ts',
  'background/panel.ts': 'background/in-page/panel.ts',
  'background/record.ts': 'background/incident/record.ts',
  'background/detection.ts': 'background/detect/detection.ts',
  'background/detect-webrequest.ts': 'background/detect/firefox-webrequest.ts',
  'background/detect-navigation.ts': 'background/detect/navigation.ts',
  'background/requests.ts': 'background/pages/message-handlers.ts',
  'background/popup-state.ts': 'background/pages/popup-state.ts',
  'popup/details-view.ts': 'popup/views/details.ts',
  'popup/diagnosis-view.ts': 'popup/views/diagnosis.ts',
  'popup/guide-view.ts': 'popup/views/guide.ts',
  'popup/guide-plan.ts': 'popup/views/guide-plan.ts',
  'popup/format-time.ts': 'popup/views/format-time.ts',
};

// Tests whose name differs from their subject's.
const TEST_EXTRA = {
  'core/retry-rule.test.ts': 'core/retry/rule.test.ts',
  'checks/messages.test.ts': 'checks/kit/locale-keys.test.ts',
  'checks/vantage.test.ts': 'checks/sources/vantage/check.test.ts',
  'background/detect-navigation.test.ts': 'background/detect/navigation.test.ts',
  'platform/messaging.test.ts': 'platform/message-server.test.ts',
};

const MOVES = new Map();
for (const [from, to] of Object.entries(SRC)) {
  MOVES.set(`src/${from}`, `src/${to}`);
  const test = `test/unit/${from.replace(/\.ts$/, '.test.ts')}`;
  if (existsSync(join(root, test)) || rewriteOnly) MOVES.set(test, `test/unit/${to.replace(/\.ts$/, '.test.ts')}`);
}
for (const [from, to] of Object.entries(TEST_EXTRA)) MOVES.set(`test/unit/${from}`, `test/unit/${to}`);

const NEW_OF = (p) => MOVES.get(p) ?? p;
const OLD_OF = new Map([...MOVES].map(([o, n]) => [n, o]));

function walk(dir, out = []) {
  if (!existsSync(join(root, dir))) return out;
  for (const name of readdirSync(join(root, dir))) {
    if (name === 'node_modules' || name.startsWith('.') || name === '__screenshots__' || name === 'fixtures') continue;
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) walk(rel, out);
    else if (/\.(ts|mts|mjs|js|cjs)$/.test(name)) out.push(rel);
  }
  return out;
}
const codeFiles = [
  ...['src', 'test', 'server', 'scripts'].flatMap((d) => walk(d)),
  ...readdirSync(root).filter((f) => /\.(ts|js|mjs)$/.test(f)),
];

// Which old-tree file a specifier names, trying the endings TypeScript and vite try.
function resolveOld(importerOld, spec) {
  const [path, query = ''] = spec.split(/(?=\?)/);
  const base = join(dirname(importerOld), path);
  if (path.endsWith('/') || (existsSync(join(root, base)) && statSync(join(root, base)).isDirectory())) return undefined;
  const tries = [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`];
  for (const t of tries) {
    const exists = rewriteOnly ? existsSync(join(root, NEW_OF(t))) || MOVES.has(t) : existsSync(join(root, t));
    if (exists && (MOVES.has(t) || (existsSync(join(root, t)) && statSync(join(root, t)).isFile()))) return { file: t, path, query };
  }
  return undefined;
}

function relSpec(fromFile, toFile, keepExt, origPath) {
  let r = relative(dirname(fromFile), toFile);
  if (!r.startsWith('.')) r = `./${r}`;
  if (origPath.endsWith('/index') || /\/index$/.test(origPath)) return r.replace(/\.ts$/, '');
  if (!keepExt) r = r.replace(/\.(ts|js)$/, '');
  return r;
}

const unresolved = [];
const edits = new Map();
for (const current of codeFiles.filter((f) => f !== 'scripts/refactor/move-tree.mjs')) {
  // In --rewrite-only mode files are already where they are; specifiers may still name old paths.
  const importerOld = rewriteOnly ? current : current;
  const importerNew = rewriteOnly ? current : NEW_OF(current);
  const text = readFileSync(join(root, current), 'utf8');
  let changed = false;
  const next = text.replace(/(['"`])(\.{1,2}\/[^'"`\n$]*)\1/g, (whole, q, spec) => {
    const hit = resolveOld(importerOld, spec);
    if (!hit) {
      if (/(from\s*|import\(\s*|vi\.mock\(\s*|importActual\(\s*)$/.test(text.slice(0, text.indexOf(whole)).slice(-30)))
        unresolved.push(`${current}: ${spec}`);
      return whole;
    }
    const targetNew = NEW_OF(hit.file);
    if (!rewriteOnly && targetNew === hit.file && importerNew === current) return whole;
    if (rewriteOnly && !MOVES.has(hit.file)) return whole;
    const keepExt = /\.(ts|js)$/.test(hit.path);
    const out = relSpec(importerNew, targetNew, keepExt, hit.path) + hit.query;
    if (out === spec) return whole;
    changed = true;
    return `${q}${out}${q}`;
  });
  if (changed) edits.set(current, next);
}

// Plain path text in comments and docs: `core/retry/policy.ts` → `core/retry/policy.ts`.
const SELF = 'scripts/refactor/move-tree.mjs'; // its own table must not be rewritten
const textFiles = [...codeFiles, ...walkDocs()].filter((f) => f !== SELF);
function walkDocs() {
  const out = readdirSync(root).filter((f) => f.endsWith('.md'));
  for (const d of ['docs']) out.push(...walkMd(d));
  return out;
}
function walkMd(dir) {
  const res = [];
  if (!existsSync(join(root, dir))) return res;
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (rel === 'docs/plans') continue;
    if (statSync(join(root, rel)).isDirectory()) res.push(...walkMd(rel));
    else if (name.endsWith('.md')) res.push(rel);
  }
  return res;
}
const pathPairs = [...MOVES]
  .flatMap(([o, n]) => [
    [o, n],
    [o.replace(/^src\//, ''), n.replace(/^src\//, '')],
  ])
  .sort((a, b) => b[0].length - a[0].length);
for (const f of textFiles) {
  const before = edits.get(f) ?? readFileSync(join(root, f), 'utf8');
  let after = before;
  for (const [o, n] of pathPairs) {
    const re = new RegExp(`(?<![\\w./-])${o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
    after = after.replace(re, n);
  }
  if (after !== before) edits.set(f, after);
}

if (unresolved.length) {
  console.error(`Unresolved specifiers:\n${unresolved.join('\n')}`);
}
console.log(`${rewriteOnly ? 0 : MOVES.size} moves, ${edits.size} files rewritten${dry ? ' (dry run)' : ''}`);
if (dry) {
  for (const [o, n] of MOVES) console.log(`  ${o} → ${n}`);
  process.exit(unresolved.length ? 1 : 0);
}
for (const [f, t] of edits) writeFileSync(join(root, f), t);
if (!rewriteOnly)
  for (const [o, n] of MOVES) {
    if (!existsSync(join(root, o))) continue;
    execFileSync('mkdir', ['-p', dirname(join(root, n))]);
    execFileSync('git', ['mv', o, n], { cwd: root });
  }
void OLD_OF;
process.exit(unresolved.length ? 1 : 0);
