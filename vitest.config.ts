import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// Tests import workspace packages from source so a change is tested without a rebuild;
// end-to-end tests that start a real collector process use the built `dist/` (npm test builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@llmobs\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@llmobs\/sdk\/testing$/, replacement: src('./packages/sdk/src/testing.ts') },
      { find: /^@llmobs\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@llmobs\/collector$/, replacement: src('./packages/collector/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
