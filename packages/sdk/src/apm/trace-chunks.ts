import type { LocalTrace } from '../span/local-trace.js'
import type { SpanRecord } from '../span/span-record.js'

/** Finished spans of one local trace, sent together as one APM trace chunk. */
export interface TraceChunk {
  readonly trace: LocalTrace | undefined
  readonly records: SpanRecord[]
}

/**
 * Groups finished spans into APM trace chunks (protocol §4). A chunk is complete when its local root
 * ends; a span of the trace that ends after that (background work) is a chunk of its own, as dd-trace
 * sends it. A trace that gathers `partialFlushSpans` finished spans before its root ends is flushed
 * partially, so a long-running agent loop neither holds its spans back nor grows without bound; and
 * the chunks held altogether never exceed `maxHeldSpans` (the oldest goes out first).
 */
export class TraceChunks {
  readonly #partialFlushSpans: number
  readonly #maxHeldSpans: number
  /** Open chunks by local trace, oldest first (Map keeps insertion order). */
  readonly #open = new Map<LocalTrace, SpanRecord[]>()
  /** Local traces whose root has ended: their later spans go out at once. */
  readonly #rootEnded = new WeakSet<LocalTrace>()
  #held = 0

  constructor(options: { partialFlushSpans: number; maxHeldSpans: number }) {
    this.#partialFlushSpans = options.partialFlushSpans
    this.#maxHeldSpans = options.maxHeldSpans
  }

  /** Spans waiting for their chunk to complete. */
  get held(): number {
    return this.#held
  }

  /** Adds a finished span; calls `emit` for each chunk that is ready now. */
  add(record: SpanRecord, emit: (chunk: TraceChunk) => void): void {
    const trace = record.localTrace
    if (trace === undefined || this.#rootEnded.has(trace)) {
      emit({ trace, records: [record] })
      return
    }
    let records = this.#open.get(trace)
    if (records === undefined) this.#open.set(trace, (records = []))
    records.push(record)
    this.#held++
    if (record.spanId === trace.rootSpanId) {
      this.#rootEnded.add(trace)
      this.#take(trace, records, emit)
    } else if (records.length >= this.#partialFlushSpans) {
      this.#take(trace, records, emit)
    }
    while (this.#held > this.#maxHeldSpans) {
      const oldest = this.#open.entries().next().value
      if (oldest === undefined) break
      this.#take(oldest[0], oldest[1], emit)
    }
  }

  /** Emits every open chunk as it stands (a flush: nothing finished stays unsent). */
  takeAll(emit: (chunk: TraceChunk) => void): void {
    for (const [trace, records] of [...this.#open]) this.#take(trace, records, emit)
  }

  #take(trace: LocalTrace, records: SpanRecord[], emit: (chunk: TraceChunk) => void): void {
    this.#open.delete(trace)
    this.#held -= records.length
    emit({ trace, records })
  }
}
