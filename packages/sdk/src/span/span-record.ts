import type { SpanKind, WireIO, WireSpanLink, WireToolDefinition } from '@llmobs/protocol'
import type { LocalTrace } from './local-trace.js'

/**
 * A finished span, frozen by `span.end()`. This is what the user's `processor` sees and what every
 * exporter consumes: the LLMObs span-event encoder, and later the APM (`meta_struct`) and OTLP
 * encoders. Inputs and outputs are already normalised to their wire shapes per kind (protocol §2);
 * base tags (env, service, ml_app, ...) are added by the encoders from the config.
 */
export interface SpanRecord {
  readonly kind: SpanKind
  readonly name: string
  /** Decimal 64-bit span id. */
  readonly spanId: string
  /** Decimal span id of the nearest LLMObs ancestor; undefined for an LLMObs root. */
  readonly parentId: string | undefined
  /** LLMObs trace id: 32 lowercase hex, new for every LLMObs root. */
  readonly traceId: string
  /** APM trace id: 32 lowercase hex. */
  readonly apmTraceId: string
  /**
   * Decimal span id of the APM parent: the local parent span, or the remote span this process
   * continues (incoming headers, the host tracer's active span); undefined for an APM root. Records
   * built elsewhere may leave it out: `parentId` is then the APM parent too.
   */
  readonly apmParentId?: string | undefined
  /** The local part of the APM trace this span belongs to (its chunk root and sampling priority). */
  readonly localTrace?: LocalTrace | undefined
  /** Epoch nanoseconds. */
  readonly startNs: number
  readonly durationNs: number
  readonly mlApp: string
  readonly sessionId: string | undefined
  readonly modelName: string | undefined
  readonly modelProvider: string | undefined
  readonly input: WireIO
  readonly output: WireIO
  readonly metadata: Readonly<Record<string, unknown>>
  /** Wire metric names (`input_tokens`, ...). */
  readonly metrics: Readonly<Record<string, number>>
  /** User tags; an array value fans out into one `key:v` per element. */
  readonly tags: Readonly<Record<string, string | readonly string[]>>
  readonly toolDefinitions: readonly WireToolDefinition[] | undefined
  readonly error: SpanError | undefined
  readonly links: readonly WireSpanLink[]
  /** LLMObs sampling, decided once by the LLMObs root and inherited by its children. */
  readonly sampling: { readonly rate: number; readonly decision: 0 | 1 }
  /** What had to be cut from this span on its way out (e.g. `dropped_io`), if anything. */
  readonly collectionErrors: readonly string[] | undefined
  /**
   * The nearest `agent` span above this one (`meta.agent_attribution`); absent when there is none.
   * Optional so records built elsewhere (tests, other encoders) stay valid without it.
   */
  readonly agentAttribution?: { readonly name: string | undefined; readonly spanId: string } | undefined
}

export interface SpanError {
  readonly message: string
  readonly type: string
  readonly stack: string | undefined
}
