/**
 * The test setup every package shares: workspace packages resolve to their TypeScript sources (the
 * `@kubestats/source` export condition), so tests and typechecks need no prior build.
 */
import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const conditions = ['@kubestats/source', ...defaultServerConditions];

export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@kubestats/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
      // turbo runs every package's suite at once on CI's two cores: generous bounds keep CPU-heavy property and
      // end-to-end tests from timing out under that load. Speed is measured by the benchmarks, never by tests.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
