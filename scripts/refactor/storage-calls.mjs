#!/usr/bin/env node
// Moves every caller of the old storage functions (platform/storage*.ts, platform/consent.ts and settings.ts,
// core/schema/legacy/*) to the typed items: `readIncident(tab)` → `store.read(incidentItem, tab)`, and so on
// (CALLS below). It works on import lines and call names, never line numbers, so it can run again on a merged
// tree; a second run changes nothing. It prints what it could not rewrite and exits 1 if anything is left;
// the old modules are deleted only when nothing imports them any more. `--dry-run` writes nothing.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const DRY = process.argv.includes('--dry-run');
const OLD = [
  'platform/storage',
  'platform/storage-base',
  'platform/storage-outside',
  'platform/storage-changes',
  'platform/consent',
  'platform/settings',
  'core/schema/legacy/stored',
  'core/schema/legacy/stored-worker',
  'core/schema/legacy/stored-outside',
  'core/schema/legacy/stored-keys',
];
const STORE = 'platform/store';
const ITEM_HOME = {
  incidentItem: 'core/incident/stored',
  recordingItem: 'core/incident/stored',
  failureItem: 'core/incident/stored',
  errorPageItem: 'core/incident/stored',
  formCommitItem: 'core/incident/stored',
  responseItem: 'core/incident/stored',
  softTimesItem: 'core/incident/stored',
  subframesItem: 'core/incident/stored',
  diagnosisItem: 'core/diagnosis/stored',
  limitsItem: 'core/diagnosis/stored',
  evidenceCacheItem: 'core/diagnosis/stored',
  reachabilityItem: 'core/diagnosis/stored',
  guideMarksItem: 'core/present/stored',
  historyItem: 'core/present/stored',
  appendEntry: 'core/present/stored',
  withoutEntry: 'core/present/stored',
  withEnd: 'core/present/history',
  withVerdict: 'core/present/history',
  recoveredItem: 'core/retry/stored',
  retryItem: 'core/retry/stored',
  watchItem: 'core/retry/stored',
  consentAskedItem: 'core/settings/stored',
  consentItem: 'core/settings/stored',
  settingsItem: 'core/settings/stored',
  onItemChanged: 'platform/store-changes',
  onKeysChanged: 'platform/store-changes',
  migrateStore: 'platform/store-migrate',
};

/** A call argument that is safe before `.field`: a name or a member chain; anything else goes in parentheses. */
const p = (arg) => (/^[\w$.]+$/.test(arg) ? arg : `(${arg})`);
/** Old call → [new call from its arguments, names it needs (ITEM_HOME); `store.` names come from platform/store.ts]. */
const S = 'store.';
const CALLS = {
  readIncident: [(a) => `${S}read(incidentItem, ${a[0]})`, ['incidentItem']],
  writeIncident: [(a) => `${S}write(incidentItem, ${a[1]}, ${a[0]})`, ['incidentItem']],
  removeIncident: [(a) => `${S}remove(incidentItem, ${a[0]})`, ['incidentItem']],
  beginRecording: [
    (a) => `${S}writeTogether([${S}at(incidentItem, ${a[1]}, ${a[0]}), ${S}at(recordingItem, ${p(a[1])}.time, ${a[0]})])`,
    ['incidentItem', 'recordingItem'],
  ],
  endRecording: [(a) => `${S}remove(recordingItem, ${a[0]})`, ['recordingItem']],
  noteFailure: [(a) => `${S}write(failureItem, ${a[1]}, ${a[0]})`, ['failureItem']],
  forgetFailure: [(a) => `${S}remove(failureItem, ${a[0]})`, ['failureItem']],
  heardFailures: [() => `${S}readEach(failureItem)`, ['failureItem']],
  tabsWithRecords: [() => `${S}keysByFamily()`, []],
  readErrorPageSeen: [(a) => `${S}read(errorPageItem, ${a[0]})`, ['errorPageItem']],
  markErrorPageSeen: [(a) => `${S}write(errorPageItem, ${a[1]}, ${a[0]})`, ['errorPageItem']],
  readFormCommit: [(a) => `${S}read(formCommitItem, ${a[0]})`, ['formCommitItem']],
  writeFormCommit: [(a) => `${S}write(formCommitItem, ${a[1]}, ${a[0]})`, ['formCommitItem']],
  removeFormCommit: [(a) => `${S}remove(formCommitItem, ${a[0]})`, ['formCommitItem']],
  readSubframeFailures: [(a) => `${S}read(subframesItem, ${a[0]})`, ['subframesItem']],
  appendSubframeFailure: [(a) => `${S}update(subframesItem, (list) => [${a[1]}, ...list], ${a[0]})`, ['subframesItem']],
  readResponse: [(a) => `${S}read(responseItem, ${a[0]})`, ['responseItem']],
  writeResponse: [(a) => `${S}write(responseItem, ${a[1]}, ${a[0]})`, ['responseItem']],
  removeResponse: [(a) => `${S}remove(responseItem, ${a[0]})`, ['responseItem']],
  readSoftTimes: [(a) => `${S}read(softTimesItem, ${a[0]})`, ['softTimesItem']],
  writeSoftTimes: [(a) => `${S}write(softTimesItem, ${a[1]}, ${a[0]})`, ['softTimesItem']],
  readDiagnosis: [(a) => `${S}read(diagnosisItem, ${a[0]})`, ['diagnosisItem']],
  writeDiagnosis: [(a) => `${S}write(diagnosisItem, ${a[1]}, ${a[0]})`, ['diagnosisItem']],
  removeDiagnosis: [(a) => `${S}remove(diagnosisItem, ${a[0]})`, ['diagnosisItem']],
  diagnosisKey: [(a) => `diagnosisItem.key(${a[0]})`, ['diagnosisItem']],
  readGuideMarks: [(a) => `${S}read(guideMarksItem, ${a[0]})`, ['guideMarksItem']],
  writeGuideMarks: [(a) => `${S}write(guideMarksItem, ${a[1]}, ${a[0]})`, ['guideMarksItem']],
  readConsentAsked: [(a) => `${S}read(consentAskedItem, ${a[0]})`, ['consentAskedItem']],
  writeConsentAsked: [(a) => `${S}write(consentAskedItem, ${a[1]}, ${a[0]})`, ['consentAskedItem']],
  readRecovery: [(a) => `${S}read(recoveredItem, ${a[0]})`, ['recoveredItem']],
  writeRecovery: [(a) => `${S}write(recoveredItem, ${a[1]}, ${a[0]})`, ['recoveredItem']],
  readRetry: [(a) => `${S}read(retryItem, ${a[0]})`, ['retryItem']],
  writeRetry: [(a) => `${S}write(retryItem, ${a[0]})`, ['retryItem']],
  removeRetry: [(a) => `${S}remove(retryItem, ${a[0]})`, ['retryItem']],
  allRetries: [() => `${S}readAll(retryItem)`, ['retryItem']],
  readWatch: [(a) => `${S}read(watchItem, ${a[0]})`, ['watchItem']],
  writeWatch: [(a) => `${S}write(watchItem, ${a[0]})`, ['watchItem']],
  removeWatch: [(a) => `${S}remove(watchItem, ${a[0]})`, ['watchItem']],
  allWatches: [() => `${S}readAll(watchItem)`, ['watchItem']],
  readHistory: [() => `${S}read(historyItem)`, ['historyItem']],
  appendHistory: [(a) => `${S}update(historyItem, (list) => appendEntry(list, ${a[0]}))`, ['historyItem', 'appendEntry']],
  removeHistoryEntry: [
    (a) => `${S}update(historyItem, (list) => withoutEntry(list, ${a[0]}, ${a[1]}), { onWriteFailure: 'throw' })`,
    ['historyItem', 'withoutEntry'],
  ],
  clearHistory: [() => `${S}remove(historyItem)`, ['historyItem']],
  endHistoryEntry: [(a) => `${S}update(historyItem, (list) => withEnd(list, ${a.join(', ')}))`, ['historyItem', 'withEnd']],
  noteHistoryVerdict: [(a) => `${S}update(historyItem, (list) => withVerdict(list, ${a.join(', ')}))`, ['historyItem', 'withVerdict']],
  onHistoryChanged: [(a) => `onItemChanged(historyItem, ${a[0]})`, ['historyItem', 'onItemChanged']],
  onConsentChanged: [(a) => `onItemChanged(consentItem, ${a[0]})`, ['consentItem', 'onItemChanged']],
  // The popup filters the keys it redraws on itself; the worker's own keys never pass that filter.
  onSessionChanged: [(a) => `onKeysChanged(() => true, ${a[0]})`, ['onKeysChanged']],
  readConsent: [() => `${S}read(consentItem)`, ['consentItem']],
  writeConsent: [(a) => `${S}write(consentItem, ${a[0]})`, ['consentItem']],
  readSettings: [() => `${S}read(settingsItem)`, ['settingsItem']],
  writeSettings: [(a) => `${S}write(settingsItem, ${a[0]})`, ['settingsItem']],
  migrateStorage: [() => `migrateStore()`, ['migrateStore']],
  readLimits: [(a) => (a.length ? undefined : `${S}read(limitsItem)`), ['limitsItem']],
  writeLimits: [(a) => (a.length > 1 ? undefined : `${S}write(limitsItem, ${a[0]})`), ['limitsItem']],
  readEvidenceCache: [(a) => `${S}read(evidenceCacheItem, ${a[0] ?? 'false'})`, ['evidenceCacheItem']],
  writeEvidenceCache: [(a) => `${S}write(evidenceCacheItem, ${a[0]}, ${a[1] ?? 'false'})`, ['evidenceCacheItem']],
  readReachability: [() => `${S}read(reachabilityItem)`, ['reachabilityItem']],
  writeReachability: [(a) => `${S}write(reachabilityItem, ${a[0]})`, ['reachabilityItem']],
  forgetTab: [(a) => `${S}forgetTab(${a[0]})`, []],
  isQuotaError: [(a) => `${S}isQuotaError(${a[0]})`, []],
};

/** Names the old modules re-exported that are not calls: where each lives now. */
const NAME_HOME = {
  GuideMarks: 'core/present/stored',
  parseGuideMarks: 'core/present/stored',
  parseHistory: 'core/present/stored',
  historyEntry: 'core/present/stored',
  historyUrl: 'core/present/stored',
  boundHistory: 'core/present/stored',
  HISTORY_LIMIT: 'core/present/stored',
  HISTORY_MAX_BYTES: 'core/present/stored',
  HISTORY_URL_MAX: 'core/present/stored',
  ResponseNote: 'core/incident/stored',
  SubframeFailure: 'core/incident/stored',
  HeardFailure: 'core/incident/stored',
  parseIncident: 'core/incident/stored',
  parseSubframes: 'core/incident/stored',
  parseResponse: 'core/incident/stored',
  parseHeardFailure: 'core/incident/stored',
  parseSoftTimes: 'core/incident/stored',
  INCIDENT_FIELD_NAMES: 'core/incident/stored',
  SUBFRAME_LIMIT: 'core/incident/stored',
  SOFT_TIMES_LIMIT: 'core/incident/stored',
  WatchRecord: 'core/retry/stored',
  parseWatch: 'core/retry/stored',
  parseRetryRecord: 'core/retry/stored',
  parseRecovery: 'core/retry/stored',
  RETRY_FIELD_NAMES: 'core/retry/stored',
  RECOVERY_FIELD_NAMES: 'core/retry/stored',
  SiteCheck: 'core/diagnosis/stored',
  StoredBucket: 'core/diagnosis/stored',
  StoredCacheEntry: 'core/diagnosis/stored',
  Reachability: 'core/diagnosis/stored',
  BUCKETS: 'core/diagnosis/stored',
  MAX_BUCKETS: 'core/diagnosis/stored',
  BUCKET_MAX_AGE_MS: 'core/diagnosis/stored',
  EVIDENCE_CACHE_LIMIT: 'core/diagnosis/stored',
  EVIDENCE_CACHE_MAX_BYTES: 'core/diagnosis/stored',
  parseLimits: 'core/diagnosis/stored',
  boundLimits: 'core/diagnosis/stored',
  parseEvidenceCache: 'core/diagnosis/stored',
  validateReachability: 'core/diagnosis/stored',
  storedUrl: 'core/net/url',
  SESSION_URL_MAX: 'core/net/url',
  SCHEMA_VERSION: 'core/schema/version',
  storedVersion: 'core/schema/version',
  Migration: 'core/schema/version',
  time: 'core/schema/fields',
  optional: 'core/schema/fields',
  parseMsg: 'core/schema/fields',
};

const problems = [];
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : /\.(ts|mts|mjs|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const oldFiles = OLD.map((m) => join(ROOT, 'src', `${m}.ts`));
const files = ['src', 'test']
  .flatMap((d) => walk(join(ROOT, d)))
  .filter((f) => !oldFiles.includes(f) && !/\/platform\/store(-[a-z]+)?\.ts$/.test(f));

/** The module (relative to src/, no extension) a specifier in `file` names, or undefined. */
function target(file, spec) {
  if (!spec.startsWith('.')) return undefined;
  const abs = resolve(dirname(file), spec).replace(/\.(ts|js)$/, '');
  const rel = relative(join(ROOT, 'src'), abs);
  return rel.startsWith('..') ? undefined : rel;
}
const specTo = (file, module) => {
  const rel = relative(dirname(file), join(ROOT, 'src', module));
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/** The end of the argument list whose `(` is at `open`, and its top-level arguments. */
function argsAt(text, open) {
  const args = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) {
        const last = text.slice(start, i).trim();
        if (last) args.push(last);
        return { end: i + 1, args };
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

/** The text without comments (and the markers this script leaves), for the checks of what is left. */
const code = (text) =>
  text
    .replace(/[\u0000\u0001]/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
/** Whether `offset` is inside a line comment or a block comment. */
function inComment(text, offset) {
  const line = text.slice(text.lastIndexOf('\n', offset) + 1, offset);
  if (/(^|[^:])\/\//.test(line)) return true;
  return text.lastIndexOf('/*', offset) > text.lastIndexOf('*/', offset);
}

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"];?[ \t]*\n/gm;
const EXPORT = /^export\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"];?[ \t]*\n/gm;
const DYNAMIC = /^([ \t]*)const\s+(?:\{([^}]*)\}|([\w$]+))\s*=\s*await\s+import\(\s*['"]([^'"]+)['"]\s*\);?[ \t]*\n/gm;
const names = (list, typeAll) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const type = typeAll || s.startsWith('type ');
      const [name, alias] = s.replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/);
      return { name, local: alias ?? name, type };
    });

let changed = 0;
for (const file of files) {
  const before = readFileSync(file, 'utf8');
  let text = before;
  const imported = []; // { name, local, type }
  const namespaces = [];
  let dynamic = false;
  let anchor; // where the store import goes
  text = text.replace(IMPORT, (line, type, list, spec, offset) => {
    if (!OLD.includes(target(file, spec))) return line;
    imported.push(...names(list, Boolean(type)));
    anchor ??= offset;
    return '\u0000';
  });
  text = text.replace(DYNAMIC, (line, indent, list, ns, spec) => {
    if (!OLD.includes(target(file, spec))) return line;
    dynamic = true;
    if (ns) namespaces.push(ns);
    else imported.push(...names(list, false));
    return `${indent}\u0001\n`;
  });
  // Re-exports (`export type { WatchRecord } from '…/legacy/stored'`) point at each name's new home.
  text = text.replace(EXPORT, (line, type, list, spec) => {
    if (!OLD.includes(target(file, spec))) return line;
    const byHome = new Map();
    for (const i of names(list, Boolean(type))) {
      const home = NAME_HOME[i.name];
      if (!home) problems.push(`${relative(ROOT, file)}: no new home for the re-export ${i.name}`);
      else byHome.set(home, [...(byHome.get(home) ?? []), i.local === i.name ? i.name : `${i.name} as ${i.local}`]);
    }
    return [...byHome].map(([home, list]) => `export ${type ?? ''}{ ${list.join(', ')} } from '${specTo(file, home)}';\n`).join('');
  });
  if (!imported.length && !namespaces.length) {
    if (text !== before) {
      changed++;
      if (!DRY) writeFileSync(file, text);
      console.log(`rewrote ${relative(ROOT, file)}`);
    }
    continue;
  }
  if (/\b(?:const|let|var|function|class)\s+store\b|import\s+\*\s+as\s+store\b/.test(text)) {
    problems.push(`${relative(ROOT, file)}: already declares \`store\``);
    continue;
  }
  const need = new Set();
  let usesStore = false;
  // Calls: `name(`, or `ns.name(` for a namespace import.
  const callNames = imported.filter((i) => CALLS[i.name]);
  const patterns = [
    ...callNames.map((i) => [new RegExp(`(?<![\\w$.])${i.local.replace('$', '\\$')}\\s*\\(`, 'g'), i.name]),
    ...namespaces.map((ns) => [new RegExp(`(?<![\\w$.])${ns}\\.(\\w+)\\s*\\(`, 'g'), undefined]),
  ];
  for (const [pattern, fixed] of patterns) {
    let m;
    while ((m = pattern.exec(text))) {
      const name = fixed ?? m[1];
      const open = m.index + m[0].length - 1;
      const call = argsAt(text, open);
      const out = CALLS[name] && call && CALLS[name][0](call.args);
      if (!out) {
        problems.push(`${relative(ROOT, file)}: cannot rewrite ${text.slice(m.index, (call?.end ?? open) + 1).slice(0, 80)}`);
        continue;
      }
      for (const n of CALLS[name][1]) need.add(n);
      if (out.includes(S)) usesStore = true;
      text = text.slice(0, m.index) + out + text.slice(call.end);
      pattern.lastIndex = m.index + out.length;
    }
  }
  // A call passed as a value (`tabs.map(readIncident)`): a one-argument function of its key.
  for (const i of callNames) {
    const value = new RegExp(`(?<![\\w$.'"])${i.local}(?![\\w$(:])`, 'g');
    const out = CALLS[i.name][0](['k']);
    if (!out || out.includes('undefined')) continue;
    text = text.replace(value, (m, offset) => {
      if (inComment(text, offset)) return m;
      for (const n of CALLS[i.name][1]) need.add(n);
      if (out.includes(S)) usesStore = true;
      return `(k) => ${out}`;
    });
  }
  // What is left of the old names: other uses of a call, and re-exported values and types.
  const moved = new Map(); // module → [{ name, local, type }]
  for (const i of imported) {
    if (CALLS[i.name]) {
      if (new RegExp(`(?<![\\w$.'"])${i.local}(?![\\w$])`).test(code(text)))
        problems.push(`${relative(ROOT, file)}: ${i.local} is used other than as a call`);
      continue;
    }
    const home = NAME_HOME[i.name];
    if (!home) {
      problems.push(`${relative(ROOT, file)}: no new home for ${i.name}`);
      continue;
    }
    moved.set(home, [...(moved.get(home) ?? []), i]);
  }
  for (const ns of namespaces) {
    const rest = new RegExp(`(?<![\\w$.])${ns}\\.(\\w+)`).exec(code(text));
    if (rest) problems.push(`${relative(ROOT, file)}: ${rest[0]} has no rewrite`);
  }
  for (const n of need) {
    const home = ITEM_HOME[n];
    moved.set(home, [...(moved.get(home) ?? []), { name: n, local: n, type: false }]);
  }
  const spec = (m) => specTo(file, m);
  const lines = [];
  for (const [module, list] of moved) {
    const values = [...new Set(list.filter((i) => !i.type).map((i) => (i.local === i.name ? i.name : `${i.name} as ${i.local}`)))];
    const types = [...new Set(list.filter((i) => i.type).map((i) => (i.local === i.name ? i.name : `${i.name} as ${i.local}`)))];
    // Merged into an import of the same module the file has already.
    const existing = new RegExp(`^import \\{([^}]*)\\} from '${spec(module).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}';`, 'm');
    const has = existing.exec(text);
    const all = [...values, ...types.map((t) => `type ${t}`)].sort((a, b) =>
      a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')),
    );
    if (has) {
      const merged = [
        ...new Set([
          ...has[1]
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          ...all,
        ]),
      ].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
      text = text.replace(existing, `import { ${merged.join(', ')} } from '${spec(module)}';`);
    } else if (all.length) lines.push(`import { ${all.join(', ')} } from '${spec(module)}';`);
  }
  const storeLine = usesStore && !dynamic ? [`import * as store from '${spec(STORE)}';`] : [];
  text = text.replace('\u0000', [...storeLine, ...lines].map((l) => `${l}\n`).join(''));
  text = text.replace(/\u0000/g, '');
  if (dynamic) {
    // Tests load the store after their mocks, as they loaded the old modules; the items are pure and load statically.
    const indent = /([ \t]*)\u0001/.exec(text)[1];
    text = text.replace(/[ \t]*\u0001\n/, usesStore ? `${indent}const store = await import('${spec(STORE)}');\n` : '');
    text = text.replace(/[ \t]*\u0001\n/g, '');
    if (lines.length) {
      const lastImport = [...text.matchAll(/^import [^;]+;\n/gm)].at(-1);
      const at = lastImport ? lastImport.index + lastImport[0].length : 0;
      text = text.slice(0, at) + lines.map((l) => `${l}\n`).join('') + text.slice(at);
    }
  }
  if (text !== before) {
    changed++;
    if (!DRY) writeFileSync(file, text);
    console.log(`rewrote ${relative(ROOT, file)}`);
  }
}

// The old modules go once nothing imports them.
const stillImported = files.some((f) =>
  [...readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].some((m) => OLD.includes(target(f, m[1]))),
);
if (!DRY && !problems.length && !stillImported) {
  for (const f of oldFiles) if (existsSync(f)) rmSync(f);
  const legacy = join(ROOT, 'src/core/schema/legacy');
  if (existsSync(legacy) && !readdirSync(legacy).length) rmSync(legacy, { recursive: true });
}
for (const problem of problems) console.error(`not rewritten: ${problem}`);
console.log(`${changed} file(s) rewritten, ${problems.length} left${DRY ? ' (dry run)' : ''}`);
process.exit(problems.length || (!DRY && stillImported) ? 1 : 0);
