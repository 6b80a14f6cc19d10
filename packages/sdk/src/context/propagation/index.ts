/**
 * Cross-process propagation codecs (protocol §5): pure functions from a `PropagationContext` to
 * Datadog and W3C trace context headers and back, with the LLMObs `_dd.p.llmobs_*` entries.
 */
export type {
  HeaderRecord,
  HeaderSource,
  InjectOptions,
  InjectResult,
  LlmobsPropagation,
  PropagationContext,
  PropagationStyle,
} from './propagation-context.js'
export { injectHeaders } from './inject.js'
export { extractHeaders, extractPropagation, type ExtractResult } from './extract.js'
export { DATADOG_TAGS_MAX_LENGTH, TAG as PROPAGATION_TAG } from './tag-rules.js'
