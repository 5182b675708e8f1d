// ESLint (flat config): the recommended JavaScript and typescript-eslint rules and React's hooks
// rules (rules-of-hooks, exhaustive-deps and the React Compiler's checks) for the app; the
// JavaScript rules for the node scripts, end-to-end tests and configs. `npm run lint`, part of
// `make lint`. Not type-aware (the type check is `tsc`): it stays a few seconds.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default defineConfig(
  { ignores: ['dist/', 'e2e-artifacts/'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    // Node scripts; the functions they pass to page.evaluate() run in the page.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['vite.config.ts'],
    extends: [tseslint.configs.recommended],
  },
);
