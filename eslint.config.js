// Layering rules, in the manner of VS Code's: shared/ is pure, renderer/ and main/
// meet only through shared/api.ts, and only main/electron may import 'electron'.
// Do not relax these rules; move the code instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'worker_threads', 'zlib'];

const forbid = (groups, message) => ({ group: groups, message });

export default tseslint.config(
  { ignores: ['dist/**', 'dist.*/**', 'release/**', 'node_modules/**', '.tools/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          forbid(['electron', 'electron/*'], 'shared/ is pure: no electron.'),
          forbid(nodeBuiltins, 'shared/ is pure: no node: modules.'),
          forbid(['**/main/**', '**/renderer/**', 'better-sqlite3', 'ws'], 'shared/ imports nothing from main/ or renderer/.'),
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          forbid(['electron', 'electron/*'], 'The renderer is sandboxed: it reaches main only through shared/api.ts.'),
          forbid(nodeBuiltins, 'The renderer is sandboxed: no node: modules.'),
          forbid(['**/main/**', 'better-sqlite3', 'ws'], 'renderer/ never imports main/; use the shared/api.ts contract.'),
        ],
      }],
    },
  },
  {
    files: ['main/services/**/*.ts', 'main/host/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          forbid(['electron', 'electron/*'], 'main/services runs without Electron (tests, servers): only main/electron imports it.'),
          forbid(['**/renderer/**'], 'main/ never imports renderer/.'),
        ],
      }],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', { patterns: [forbid(['**/renderer/**'], 'main/ never imports renderer/.')] }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{js,mjs,ts}', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
