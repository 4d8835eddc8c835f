// ESLint's flat config, after the electron-vite template's: typescript-eslint's recommended rules,
// React's hook rules, and no import cycles (import-x). `npm run lint` fails on any warning.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/node_modules', 'out', 'dist', 'release', 'test-results', 'playwright-report', 'tests/fixtures', '.library'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'] })],
    },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'import-x/no-cycle': 'error',
      // An argument or variable named with a leading underscore is unused on purpose (a callback's shape).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // CommonJS launchers and scripts run by Node as they are.
    files: ['**/*.{cjs,js,mjs}'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' }, // CommonJS files load modules with require()
  },
  {
    files: ['docs/make-screenshot.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } }, // its page.evaluate callbacks run in the page
  },
);
