import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: { resolve: ['@llmobs/protocol'] },
  // The wire types and codecs are bundled so the published SDK has no workspace-only dependency.
  // @msgpack/msgpack is listed too, though the SDK never calls it: only the protocol's APM decoders
  // (collector side) do. As an external, esbuild kept protocol's `import { Decoder } from
  // '@msgpack/msgpack'` in the bundle after dropping the decoders, and loading that package (a dozen
  // CommonJS files through the ESM loader) was ~15 ms of CPU at every start. Bundled, it tree-shakes
  // to nothing (it is `sideEffects: false`).
  noExternal: ['@llmobs/protocol', '@msgpack/msgpack'],
  sourcemap: true,
  clean: true,
  target: 'node20',
})
