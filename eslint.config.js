// One lint config for the whole monorepo: type-aware typescript-eslint plus the architecture's rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pluginPackages = ['@kubestats/source-*', '@kubestats/processor-*', '@kubestats/sink-*', '@kubestats/kube-metadata', '@kubestats/pipeline'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.config.ts', '**/*.config.js', 'vitest.shared.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'ExportAllDeclaration', message: 'List exports by name instead of `export *`.' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Plugins depend on core only: never on each other or on the host.
    files: ['packages/source-*/**/*.ts', 'packages/processor-*/**/*.ts', 'packages/sink-*/**/*.ts', 'packages/kube-metadata/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: pluginPackages, message: 'A plugin imports @kubestats/core (and @kubestats/testing in tests) only.' }] }],
    },
  },
  {
    files: ['**/*.test.ts', 'apps/**/*.ts', '**/bin/**/*.ts', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
