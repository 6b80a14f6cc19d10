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
  noExternal: ['@llmobs/protocol'],
  sourcemap: true,
  clean: true,
  target: 'node20',
})
