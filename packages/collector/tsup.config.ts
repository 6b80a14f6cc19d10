import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'

export default defineConfig({
  // The store worker is its own file: worker threads start from a script path.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'store-worker': 'src/store/sqlite/worker/store-worker.ts',
  },
  format: ['esm'],
  dts: { entry: 'src/index.ts', resolve: ['@llmobs/protocol'] },
  // The protocol is bundled from its sources, so building the collector alone never picks up a
  // stale packages/protocol/dist.
  noExternal: ['@llmobs/protocol'],
  esbuildOptions(options) {
    options.alias = {
      '@llmobs/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)),
    }
  },
  sourcemap: true,
  clean: true,
  target: 'node20',
})
