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
  {
    // Issue 13: these files are being rewritten on other branches (formats, CLI); until those land,
    // only the rules below are off here, each for what it finds today. Remove this block after merging.
    files: ['src/main/cli/main.ts', 'src/main/formats/**/*.ts'],
    rules: {
      'no-control-regex': 'off', // export/brat, conll, xlsx strip control characters on purpose: should become inline disables with reasons
      'preserve-caught-error': 'off', // cli/main.ts:346, export/jsonl.ts:39 rethrow without { cause }
      'no-useless-escape': 'off', // import/conll.ts:42
      '@typescript-eslint/no-unused-expressions': 'off', // import/zip.ts:129-130 (being replaced by the CRC-checked reader)
      'no-misleading-character-class': 'off', // tokenize.ts:26 (grapheme rules move to the shared Unicode module)
    },
  },
);
