import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/**
 * Module boundaries (docs/architecture.md): each module owns its tables and is entered only through
 * its index.ts. A module may import its own tables' schema files and no others; from another module,
 * only that module's index.
 */
const TABLES_BY_MODULE = {
  audit: ['audit'],
  auth: ['users', 'sessions', 'auth'],
  exports: ['exports'],
  fraud: ['fraud'],
  imports: ['imports'],
  jobs: ['jobs'],
  lgas: ['lgas'],
  marketplace: ['marketplace'],
  partners: ['partners'],
  questionnaires: ['questionnaires'],
  reports: ['reports'],
  respondents: ['respondents'],
  submissions: ['submissions'],
  supervision: ['supervision'],
};
// Every module and every schema file, as they are on disk: a new one is covered without editing this list.
const names = (dir, ext = '') =>
  readdirSync(new URL(dir, import.meta.url), { withFileTypes: true })
    .filter((e) => (ext ? e.isFile() && e.name.endsWith(ext) : e.isDirectory()))
    .map((e) => e.name.slice(0, e.name.length - ext.length));
const MODULES = names('./apps/api/src/modules/');
const SCHEMA_FILES = names('./apps/api/src/db/schema/', '.ts').filter((f) => f !== 'index');
const moduleBoundaries = MODULES.map((name) => {
  const own = TABLES_BY_MODULE[name] ?? [];
  return {
    files: [`apps/api/src/modules/${name}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `db/schema/(index|${SCHEMA_FILES.filter((f) => !own.includes(f)).join('|')})(\\.js)?$`,
              message: `The ${name} module owns only ${own.length ? own.join(', ') : 'no'} tables: ask the owning module's service or repository.`,
            },
            {
              regex: `^\\.\\./(?!${name}/)[a-z]+/(?!index\\.js$).+`,
              message: 'Enter another module only through its index.ts.',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      'tests/e2e/artifacts/**',
      'tests/load/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  ...moduleBoundaries,
  {
    files: ['scripts/**', 'tests/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);
