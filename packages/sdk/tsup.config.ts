import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: { resolve: ['@llmobs/protocol'] },
  // The wire types and codecs are bundled so the published SDK has no workspace-only dependency.
  noExternal: ['@llmobs/protocol'],
  sourcemap: true,
  clean: true,
  target: 'node20',
})
