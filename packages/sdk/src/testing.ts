/**
 * `@llmobs/sdk/testing`: an in-memory exporter and an instance wired to it, for your own tests.
 *
 * @example
 * import { createTestLLMObs } from '@llmobs/sdk/testing'
 *
 * const { llmobs, exporter } = createTestLLMObs({ mlApp: 'test' })
 * await llmobs.trace({ kind: 'workflow', name: 'answer' }, () => answer('hi'))
 * expect(exporter.findSpan('answer')?.meta.output.value).toBe('hello')
 */
import type { LLMObs } from './api/llmobs-api.js'
import { resolveConfig, type LLMObsOptions } from './config.js'
import { TestExporter } from './export/test-exporter.js'
import { createLLMObsWithEnv } from './llmobs.js'

export { TestExporter, type SpanQuery, type ExportedSpanEntry } from './export/test-exporter.js'
export { encodeSpanEvent } from './export/span-event-encoder.js'

export interface TestLLMObs {
  readonly llmobs: LLMObs
  readonly exporter: TestExporter
}

/**
 * An initialised instance whose exporter keeps everything in memory. The environment is not read
 * (tests give the same result on every machine); pass what you need in `options`.
 *
 * @example
 * const { llmobs, exporter } = createTestLLMObs({ mlApp: 'test', strict: true })
 * afterEach(() => exporter.reset())
 */
export function createTestLLMObs(options: Omit<LLMObsOptions, 'exporter'> = {}): TestLLMObs {
  const exporter = new TestExporter({ config: resolveConfig(options, {}).config })
  const llmobs = createLLMObsWithEnv({ ...options, exporter }, {})
  return { llmobs, exporter }
}
