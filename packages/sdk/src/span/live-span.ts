import type { SpanKind, WireIO, WirePrompt, WireSpanLink, WireToolDefinition } from '@llmobs/protocol'
import type { Annotation } from '../annotation/annotation.js'
import { mergeMetadata } from '../annotation/normalize-metadata.js'
import { mergeMetrics } from '../annotation/normalize-metrics.js'
import { normalizeInput, normalizeOutput } from '../annotation/normalize-io.js'
import { normalizePrompt, PROMPT_TRACKING_TAG } from '../annotation/normalize-prompt.js'
import { withFeedbackJoinKey } from '../annotation/feedback-join-key.js'
import { mergeTags, type SpanTags } from '../annotation/normalize-tags.js'
import { normalizeToolDefinitions } from '../annotation/normalize-tool-definitions.js'
import { createSnapshot, type AgentRef, type ContextSnapshot } from '../context/context-snapshot.js'
import { durationNs, epochMsAt, epochNsAt, monotonicMs } from '../internal/clock.js'
import { newSpanId, newTraceId } from '../internal/ids.js'
import { describeType, isRecord, isStrictError, type Report } from '../internal/report.js'
import type { JsonValue } from '../internal/safe-json.js'
import { decideByHand, newLocalTrace, type LocalTrace } from './local-trace.js'
import { decideSampling, type Sampling } from './sampling.js'
import type { Span } from './span.js'
import { toSpanError } from './span-error.js'
import type { SpanHost } from './span-host.js'
import type { SpanError, SpanRecord } from './span-record.js'

const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze({})
const EMPTY_LIST: readonly never[] = Object.freeze([])

/**
 * An open span: mutable through `annotate`/`setError` until `end()` freezes it into a `SpanRecord`
 * and hands that to its host. Identity (ids, trace, ml_app, session, sampling) is fixed at start and
 * captured in `context`, the snapshot its callback runs in.
 */
export class LiveSpan implements Span {
  readonly kind: SpanKind
  readonly name: string
  readonly spanId: string
  readonly parentId: string | undefined
  readonly traceId: string
  readonly apmTraceId: string
  readonly mlApp: string
  readonly sessionId: string | undefined
  readonly sampling: Sampling
  readonly modelName: string | undefined
  readonly modelProvider: string | undefined
  /** The nearest agent above this span, if any. */
  readonly agentAttribution: AgentRef | undefined
  /** The snapshot in which this span is the active one. */
  readonly context: ContextSnapshot
  /** Decimal id of the APM parent (see `SpanRecord.apmParentId`). */
  readonly apmParentId: string | undefined
  readonly localTrace: LocalTrace

  readonly #host: SpanHost
  readonly #startMonotonic: number
  #ended = false
  #inputAnnotated = false
  #outputAnnotated = false
  #input: WireIO | undefined
  #output: WireIO | undefined
  #prompt: WirePrompt | undefined
  #metadata: Record<string, JsonValue> | undefined
  #metrics: Record<string, number> | undefined
  #tags: SpanTags | undefined
  #toolDefinitions: WireToolDefinition[] | undefined
  #error: SpanError | undefined
  #links: readonly WireSpanLink[] = EMPTY_LIST

  /** Arguments are already validated by `startLiveSpan`. */
  constructor(
    host: SpanHost,
    kind: SpanKind,
    name: string,
    parent: ContextSnapshot | undefined,
    mlApp: string | undefined,
    sessionId: string | undefined,
    modelName: string | undefined,
    modelProvider: string | undefined,
    tags: SpanTags | undefined,
  ) {
    this.#host = host
    const start = monotonicMs()
    this.#startMonotonic = start
    this.kind = kind
    this.name = name
    const spanId = newSpanId()
    this.spanId = spanId
    host.started(spanId, name)
    this.parentId = parent?.spanId
    this.traceId = parent?.traceId ?? newTraceId(epochMsAt(start))
    this.apmTraceId = parent?.apmTraceId ?? newTraceId(epochMsAt(start))
    this.mlApp = mlApp ?? parent?.mlApp ?? host.config.mlApp
    this.sessionId = sessionId ?? parent?.sessionId
    this.sampling = parent?.sampling ?? decideSampling(host.config.sampleRate)
    const hasModel = kind === 'llm' || kind === 'embedding'
    this.modelName = hasModel ? (modelName ?? 'custom') : undefined
    this.modelProvider = hasModel ? (modelProvider ?? 'custom').toLowerCase() : undefined
    this.agentAttribution = parent?.agent
    // A local parent is the APM parent too; a restored one names the remote APM span it continues.
    this.apmParentId =
      parent === undefined
        ? undefined
        : parent.span !== undefined
          ? parent.spanId
          : (parent.apmParentId ?? parent.spanId)
    this.localTrace = parent?.localTrace ?? newLocalTrace(spanId, name, parent?.upstream)
    this.#tags = tags
    this.context = createSnapshot(
      this,
      spanId,
      this.traceId,
      this.apmTraceId,
      this.mlApp,
      this.sessionId,
      this.sampling,
      kind === 'agent' ? Object.freeze({ name, spanId }) : parent?.agent,
      undefined,
      parent?.upstream,
      this.localTrace,
    )
  }

  get ended(): boolean {
    return this.#ended
  }

  /** Whether the user annotated input / output (wrap's auto-capture then leaves them alone). */
  get inputAnnotated(): boolean {
    return this.#inputAnnotated
  }

  get outputAnnotated(): boolean {
    return this.#outputAnnotated
  }

  annotate(annotation: Annotation): void {
    const host = this.#host
    if (this.#ended) {
      host.reportMisuse(
        'annotate_ended_span',
        `span '${this.name}' already ended; annotate before end(). The annotation was dropped.`,
      )
      return
    }
    this.applyAnnotation(annotation, host.reportMisuse, true)
  }

  /**
   * Applies an annotation, reporting problems through `report`. `explicit` is false for wrap's
   * automatic capture of arguments and result, which must not count as the user's own annotation.
   */
  applyAnnotation(annotation: Annotation, report: Report, explicit: boolean): void {
    try {
      if (!isRecord(annotation)) {
        report(
          'invalid_annotation',
          `annotate() needs an object like { inputData, outputData, metadata, metrics, tags }, got ${describeType(annotation)}.`,
        )
        return
      }
      const { inputData, outputData, metadata, metrics, tags, prompt, toolDefinitions, feedbackJoinKey } =
        annotation
      if (inputData !== undefined) {
        if (explicit) this.#inputAnnotated = true
        const input = normalizeInput(this.kind, inputData, report)
        if (input !== undefined) this.#input = input
      }
      if (outputData !== undefined) {
        if (explicit) this.#outputAnnotated = true
        const output = normalizeOutput(this.kind, outputData, report)
        if (output !== undefined) this.#output = output
      }
      if (metadata !== undefined) mergeMetadata((this.#metadata ??= {}), metadata, report)
      if (metrics !== undefined) mergeMetrics((this.#metrics ??= {}), metrics, report)
      if (tags !== undefined) mergeTags((this.#tags ??= {}), tags, 'tags', report)
      if (feedbackJoinKey !== undefined) this.#tags = withFeedbackJoinKey(this.#tags, feedbackJoinKey, report)
      if (prompt !== undefined) this.#applyPrompt(prompt, report)
      if (toolDefinitions !== undefined) {
        const definitions = normalizeToolDefinitions(toolDefinitions, report)
        if (definitions !== undefined) this.#toolDefinitions = definitions
      }
    } catch (error) {
      if (isStrictError(error)) throw error
      this.#host.diagnostics.error(
        `annotating span '${this.name}' failed; the rest of the span is kept`,
        error,
      )
    }
  }

  #applyPrompt(prompt: unknown, report: Report): void {
    if (this.kind !== 'llm') {
      report(
        'invalid_prompt',
        `prompt is only recorded on llm spans; span '${this.name}' is a ${this.kind} span. The prompt was dropped.`,
      )
      return
    }
    const normalized = normalizePrompt(prompt, this.mlApp, report)
    if (normalized === undefined) return
    this.#prompt = normalized
    ;(this.#tags ??= {})[PROMPT_TRACKING_TAG.key] = PROMPT_TRACKING_TAG.value
  }

  /** Adds span links (already validated, see `resolveSpanLinks`); kept after `end()` in the record. */
  addLinks(links: readonly WireSpanLink[]): void {
    if (this.#ended || links.length === 0) return
    this.#links = this.#links.length === 0 ? Object.freeze(links.slice()) : [...this.#links, ...links]
  }

  keepTrace(): void {
    decideByHand(this.localTrace, true)
  }

  dropTrace(): void {
    decideByHand(this.localTrace, false)
  }

  setError(error: unknown): void {
    if (this.#ended) {
      this.#host.reportMisuse(
        'set_error_ended_span',
        `span '${this.name}' already ended; call setError() before end(). The error was not recorded.`,
      )
      return
    }
    this.#error = toSpanError(error)
  }

  /** Records a failure of the traced function (internal: no misuse checks). */
  fail(error: unknown): void {
    if (!this.#ended) this.#error = toSpanError(error)
  }

  end(): void {
    if (this.#ended) {
      this.#host.diagnostics.debug(`span '${this.name}' ended twice; the second end() was ignored.`)
      return
    }
    this.#ended = true
    try {
      const record = this.#freeze(monotonicMs())
      this.#release()
      this.#host.finish(record)
    } catch (error) {
      this.#host.diagnostics.error(`finishing span '${this.name}' failed; it was not exported`, error)
    }
  }

  /**
   * Drops the annotations once they are in the record: async work started inside the span keeps
   * its context snapshot (and so this handle) alive, possibly for the life of the process.
   */
  #release(): void {
    this.#input = undefined
    this.#output = undefined
    this.#prompt = undefined
    this.#metadata = undefined
    this.#metrics = undefined
    this.#tags = undefined
    this.#toolDefinitions = undefined
    this.#error = undefined
  }

  #freeze(endMonotonic: number): SpanRecord {
    let input: WireIO = this.#input ?? {}
    if (this.#prompt !== undefined) input = { ...input, prompt: this.#prompt }
    const record: SpanRecord = {
      kind: this.kind,
      name: this.name,
      spanId: this.spanId,
      parentId: this.parentId,
      traceId: this.traceId,
      apmTraceId: this.apmTraceId,
      apmParentId: this.apmParentId,
      localTrace: this.localTrace,
      startNs: epochNsAt(this.#startMonotonic),
      durationNs: durationNs(this.#startMonotonic, endMonotonic),
      mlApp: this.mlApp,
      sessionId: this.sessionId,
      modelName: this.modelName,
      modelProvider: this.modelProvider,
      input,
      output: this.#output ?? {},
      metadata: this.#metadata ?? EMPTY_RECORD,
      metrics: this.#metrics ?? EMPTY_RECORD,
      tags: this.#tags ?? EMPTY_RECORD,
      toolDefinitions: this.#toolDefinitions,
      error: this.#error,
      links: this.#links,
      sampling: this.sampling,
      collectionErrors: undefined,
      agentAttribution: this.agentAttribution,
    }
    return Object.freeze(record)
  }
}
