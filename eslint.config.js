// ESLint (flat config): the browser code in webroot/ and the node scripts that build and test it.
// Run: npx eslint  (src/test/run.sh runs it; errors fail the run)
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    // Classic scripts other work is changing now; they are type-checked and linted once they become modules.
    ignores: ['target/**', 'node_modules/**', 'webroot/agent/sanitize.js', 'webroot/agent/cobrowse.js',
      'webroot/cobrowse/recorder.js'],
  },
  js.configs.recommended,
  {
    files: ['webroot/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['webroot/demo/demo.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['src/**/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // page.evaluate() callbacks run in the browser, some on a host page with site_connect.js
    files: ['src/test/browser/**/*.mjs', 'src/loadtest/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, site_connect: 'readonly' } },
  },
  {
    rules: {
      // `catch (x) { /* storage off */ }`: the name documents what is ignored
      'no-unused-vars': ['error', { caughtErrors: 'none', args: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'off',
    },
  },
];
