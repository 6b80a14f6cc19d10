/**
 * `@llmobs/sdk`: LLM Observability for Node.js, speaking the Datadog LLM Observability protocol.
 *
 * @example
 * import { llmobs } from '@llmobs/sdk'
 *
 * llmobs.init({ mlApp: 'support-bot' })
 * const reply = await llmobs.trace({ kind: 'llm', modelName: 'gpt-4o', modelProvider: 'openai' }, async (span) => {
 *   const out = await openai.chat.completions.create({ model: 'gpt-4o', messages })
 *   span.annotate({ inputData: messages, outputData: out.choices[0].message.content })
 *   return out
 * })
 */
export { llmobs, createLLMObs } from './llmobs.js'
export type { LLMObs } from './api/llmobs-api.js'
export type {
  SpanOptions,
  TraceOptions,
  WrapOptions,
  DecorateOptions,
  StartSpanOptions,
  ParentRef,
  SpanLinkOptions,
} from './api/span-options.js'
export type { BackgroundOptions, BackgroundOutcome } from './api/background.js'
export type { BackgroundCounts } from './background/background-tasks.js'
export type { LLMObsFlushOptions, LLMObsFlushResult } from './api/flush-options.js'
export type { LLMObsStatus, StreamStatus } from './api/status.js'
export type { DropCause, ProbeStatus } from './export/exporter.js'
export type { RunInWorkerOptions } from './worker/run-in-worker.js'
export type { WorkerHandoff } from './worker/worker-handoff.js'
export type {
  HeaderRecord,
  HeaderSource,
  InjectOptions,
  PropagationStyle,
} from './context/propagation/index.js'
export type { MethodDecorator } from './api/decorate.js'
export type { Span, ExportedSpan } from './span/span.js'
export type { SpanRecord, SpanError } from './span/span-record.js'
export type {
  Annotation,
  Message,
  ToolCall,
  ToolResult,
  Document,
  Prompt,
  ChatTemplateMessage,
  ToolDefinition,
  TagValue,
} from './annotation/annotation.js'
export type {
  EvaluationOptions,
  EvaluationTarget,
  EvaluationMetricType,
} from './evaluation/evaluation-options.js'
export type { FeedbackOptions, FeedbackSubmitter, FeedbackTarget } from './evaluation/feedback-options.js'
export type { PlainContext } from './context/plain-context.js'
export type { LLMObsOptions, ExportMode, SpanProcessor } from './config.js'
export type { Exporter, ExporterStats, FlushOptions, FlushResult, StreamCounts } from './export/exporter.js'
export { LLMObsError, type Logger, type LogLevel } from './internal/diagnostics.js'
export { SPAN_KINDS, type SpanKind, type FeedbackMetricType } from '@llmobs/protocol'
export { SDK_VERSION } from './internal/version.js'
