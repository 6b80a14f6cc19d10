/**
 * The APM stream's code, loaded on demand: only a process whose route turns out to be an `apm-*`
 * mode pays for compiling it (the trace writer, the msgpack and JSON span writers, chunking). The
 * SDK's start-up is measured in `bench/cold-start.mjs`; this is ~70 kB of the bundle it no longer
 * parses at import in the LLMObs-only modes.
 */
export { ApmExporter } from './apm-exporter.js'
export { traceFormatOf } from './trace-format.js'
