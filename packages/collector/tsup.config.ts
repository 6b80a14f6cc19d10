import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', resolve: ['@llmobs/protocol'] },
  noExternal: ['@llmobs/protocol'],
  sourcemap: true,
  clean: true,
  target: 'node20',
})
