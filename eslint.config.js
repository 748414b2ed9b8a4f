// Lint also guards where code runs: core is pure, the worker never touches window/DOM,
// background and UI never import each other, and only src/platform touches the browser API.
// The layers, bottom up: model (imports nothing) → protocol and core (pure, above model only) → checks (pure, no DOM)
// → platform (the browser API) → background and UI (entry points). Nothing imports upward, and
// no module reaches itself again through its imports (import-x/no-cycle).
// Inside those layers the folders are ordered too (zones below): a folder imports only the folders listed before it.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import { noTypeCycle } from './scripts/lint/no-type-cycle.js';

const browserApi = { group: ['webextension-polyfill'], message: 'Use src/platform: it is the only place that touches the browser API.' };
const ui = { group: ['**/popup/**', '**/panel/**', '**/options/**', '**/ui/**'], message: 'The background must not import UI code.' };
const background = { group: ['**/background/**'], message: 'UI code talks to the background through messages and storage, not imports.' };
const platform = { group: ['**/platform/**'], message: 'core/ is pure: no browser API.' };
const checks = {
  group: ['**/checks/**', '**/checks'],
  message: 'core/, model/ and protocol/ sit below checks/: move the type or helper into core/.',
};
// platform/panel.ts imports the panel's built file name (crxjs `?iife`), not its code.
const uiForPlatform = {
  group: [...ui.group, '!**/panel/inject.ts?iife'],
  message: 'platform/ wraps the browser API; it must not import UI code.',
};
const backgroundForPlatform = {
  group: ['**/background/**'],
  message: 'platform/ wraps the browser API; it must not import the background.',
};
const checksForPlatform = {
  group: ['**/checks/**', '**/checks'],
  message: 'platform/ must not import checks/: the background wires them together.',
};
// The checks run in the worker; what the pages show of them (types, message keys) lives in core/.
const checksForUi = {
  group: ['**/checks/**', '**/checks'],
  message: 'UI code shows what the checks found through core/ types and stored records, never by importing checks/.',
};
// Shared by every rule list below: no-restricted-imports is replaced, not merged, by a later matching block.
const noShared = {
  group: ['**/shared/**', '**/shared'],
  message: 'shared/ is gone: import the type from model/ or the protocol from protocol/.',
};
const badge = {
  group: ['**/platform/badge', '**/platform/badge.ts'],
  message: 'Draw through syncTabView (background/tab/view.ts): it is the one badge painter.',
};

/** Zones of import-x/no-restricted-paths: in `order` (lowest first) a folder may import only the folders before it. */
const layered = (root, order, top) =>
  order.map((dir, i) => {
    const above = [...order.slice(i + 1).map((d) => `${root}/${d}`), ...top.map((f) => `${root}/${f}`)];
    return {
      target: `./src/${root}/${dir}`,
      from: above.map((d) => `./src/${d}`),
      message: `${root}/${dir} sits below ${above.join(', ')}: move the shared piece down, not the import up.`,
    };
  });
const zones = [
  { target: './src/model', from: './src', except: ['./model'], message: 'model/ is the leaf: it imports nothing.' },
  { target: './src/protocol', from: './src', except: ['./model', './protocol'], message: 'protocol/ imports model/ only.' },
  { target: './src/core', from: './src', except: ['./model', './core'], message: 'core/ is pure: it imports model/ and core/ only.' },
  ...layered('core', ['schema', 'async', 'net', 'crowd', 'settings', 'retry', 'incident', 'diagnosis', 'present'], ['items.ts']),
  ...layered('checks', ['kit', 'sources'], ['run.ts', 'all-checks.ts']),
  ...layered('background', ['tab', 'retry', 'crowd', 'diagnosis', 'in-page', 'incident', 'detect', 'pages'], ['index.ts']),
];
// Files that break the zones until their work package lands; each package empties its own lines, and the list must
// end empty. Only the zones skip them: every other rule still holds for them.
const domGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'XMLHttpRequest'].map((name) => ({
  name,
  message: `${name} does not exist in the background service worker.`,
}));
const browserGlobals = ['browser', 'chrome'].map((name) => ({ name, message: 'Go through src/platform.' }));
// Every timer of the worker goes through core/async/timers.ts, which counts those pending (the soak's "timers" column).
const timerGlobals = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => ({
  name,
  message: 'Use after/cancel/sleep from core/async/timers.ts: the worker counts its pending timers.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**', '**/.wrangler/**', '.crowd-data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX, downcheck: { rules: { 'no-type-cycle': noTypeCycle } } },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    // import-x/no-cycle for imports that run; downcheck/no-type-cycle for the type-only ones it leaves out.
    // max-len: Prettier wraps code at 140 but leaves comments and long strings alone; this catches those.
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'downcheck/no-type-cycle': 'error',
      'max-len': ['error', { code: 140, tabWidth: 2, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, noShared] }],
      'no-restricted-globals': ['error', ...browserGlobals],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/model/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, platform, ui, background, checks, noShared] }],
      'no-restricted-globals': ['error', ...browserGlobals, ...domGlobals],
    },
  },
  {
    // Checks run in the worker: fetch and AbortSignal only, no DOM; the browser API comes injected.
    files: ['src/checks/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, platform, ui, background, noShared] }],
      'no-restricted-globals': ['error', ...browserGlobals, ...domGlobals, ...timerGlobals],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [uiForPlatform, backgroundForPlatform, checksForPlatform, noShared] }] },
  },
  {
    // The status read runs in web pages, not the worker: its timers are the page's.
    files: ['src/platform/**/*.ts'],
    ignores: ['src/platform/*.content.ts'],
    rules: { 'no-restricted-globals': ['error', ...timerGlobals] },
  },
  {
    files: ['src/background/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, ui, noShared] }],
      'no-restricted-globals': ['error', ...browserGlobals, ...domGlobals, ...timerGlobals],
    },
  },
  {
    // One badge painter: everything else writes the incident or schedule, then calls syncTabView.
    files: ['src/background/**/*.ts'],
    ignores: ['src/background/tab/view.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserApi, ui, noShared, badge] }] },
  },
  {
    // The crowd service shares only the contract and signal logic with the extension: nothing of the browser side.
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            browserApi,
            {
              group: ['**/src/*', '!**/src/core', '**/src/core/*', '!**/src/core/crowd'],
              message: 'server/ may import only src/core/crowd/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/popup/**/*.ts', 'src/panel/**/*.ts', 'src/options/**/*.ts', 'src/ui/**/*.ts', 'src/history/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserApi, background, checksForUi, noShared] }] },
  },
  {
    // The folder order inside the layers (zones above).
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassDeclaration', 'ClassExpression'].map(
          (selector) => ({ selector, message: 'model/ holds plain types and literal constants: put the logic in core/.' }),
        ),
      ],
    },
  },
);
