// Lint also guards where code runs: core is pure, the worker never touches window/DOM,
// background and UI never import each other, and only src/platform touches the browser API.
import tseslint from 'typescript-eslint';

const browserApi = { group: ['webextension-polyfill'], message: 'Use src/platform: it is the only place that touches the browser API.' };
const ui = { group: ['**/popup/**', '**/panel/**', '**/options/**', '**/ui/**'], message: 'The background must not import UI code.' };
const background = { group: ['**/background/**'], message: 'UI code talks to the background through messages and storage, not imports.' };
const platform = { group: ['**/platform/**'], message: 'core/ is pure: no browser API.' };
const domGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'XMLHttpRequest'].map((name) => ({
  name,
  message: `${name} does not exist in the background service worker.`,
}));
const browserGlobals = ['browser', 'chrome'].map((name) => ({ name, message: 'Go through src/platform.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserApi] }], 'no-restricted-globals': ['error', ...browserGlobals] },
  },
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, platform, ui, background] }],
      'no-restricted-globals': ['error', ...browserGlobals, ...domGlobals],
    },
  },
  {
    files: ['src/background/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [browserApi, ui] }],
      'no-restricted-globals': ['error', ...browserGlobals, ...domGlobals],
    },
  },
  {
    files: ['src/popup/**/*.ts', 'src/panel/**/*.ts', 'src/options/**/*.ts', 'src/ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserApi, background] }] },
  },
);
