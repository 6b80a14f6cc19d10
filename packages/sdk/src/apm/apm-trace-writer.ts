import { SettleWaiters } from '../export/settle-waiters.js'
import type { SpanRecord } from '../span/span-record.js'

/** One encoded trace chunk waiting to go, with the LLMObs spans whose data rides inside it. */
export interface ChunkItem {
  /** The chunk as its trace format encoded it (a msgpack array of span maps, or its JSON text). */
  readonly bytes: Uint8Array
  readonly spanCount: number
  /** The LLMObs spans carried in `meta_struct` (rescued through the LLMObs writer if this chunk is lost). */
  readonly llmobs: readonly SpanRecord[]
}

/** Delivers one request of chunks: true once the intake accepted it, false when it is lost. */
export type DeliverChunks = (chunks: readonly ChunkItem[]) => Promise<boolean>

export interface ApmTraceWriterOptions {
  /** Queued spans, all chunks together. */
  readonly maxQueueSpans: number
  readonly maxQueueBytes: number
  /** One request's body at most (a chunk larger than this goes alone). */
  readonly requestBytes: number
  readonly flushIntervalMs: number
  /** Requests in flight at once: this writer's own budget, never shared with the LLMObs writers. */
  readonly concurrency: number
  readonly deliver: DeliverChunks
  /** Chunks that will never be delivered (queue full, request failed for good, writer closed). */
  readonly lost: (chunks: readonly ChunkItem[], why: 'queueFull' | 'failed' | 'closed') => void
  /** Called at every flush interval. */
  readonly tick?: () => void
}

/** Counts in chunks (APM traces) and in spans. */
export interface ApmTraceCounts {
  chunks: { sent: number; failed: number; dropped: number }
  spans: { sent: number; failed: number; dropped: number }
}

interface Pending {
  readonly chunks: readonly ChunkItem[]
  readonly lastSeq: number
}

/**
 * The APM trace stream: a bounded queue of encoded chunks, drained by a timer and whenever a full
 * request's worth is queued, with its own requests-in-flight budget. Every chunk ends delivered or
 * handed to `lost` (which rescues its LLMObs data), exactly once.
 */
export class ApmTraceWriter {
  readonly #options: ApmTraceWriterOptions
  #queue: ChunkItem[] = []
  #queueBytes = 0
  #queueSpans = 0
  #seq = 0
  readonly #inFlight = new Set<Pending>()
  readonly #waiters = new SettleWaiters((seq) => this.#settledUpTo(seq))
  #timer: NodeJS.Timeout | undefined
  #closed = false
  readonly counts: ApmTraceCounts = {
    chunks: { sent: 0, failed: 0, dropped: 0 },
    spans: { sent: 0, failed: 0, dropped: 0 },
  }

  constructor(options: ApmTraceWriterOptions) {
    this.#options = options
    this.#timer = setInterval(() => {
      this.#pump()
      options.tick?.()
    }, options.flushIntervalMs)
    this.#timer.unref()
  }

  /** LLMObs events riding chunks that are queued or in flight. */
  get pendingLlmobs(): number {
    let n = 0
    for (const chunk of this.#queue) n += chunk.llmobs.length
    for (const pending of this.#inFlight) for (const chunk of pending.chunks) n += chunk.llmobs.length
    return n
  }

  get busy(): boolean {
    return this.#queue.length > 0 || this.#inFlight.size > 0
  }

  /** Queues a chunk; false (and handed to `lost`) when the queue is full or the writer closed. */
  enqueue(chunk: ChunkItem): boolean {
    const o = this.#options
    if (
      this.#closed ||
      this.#queueSpans + chunk.spanCount > o.maxQueueSpans ||
      this.#queueBytes + chunk.bytes.length > o.maxQueueBytes
    ) {
      this.#count('dropped', [chunk])
      o.lost([chunk], this.#closed ? 'closed' : 'queueFull')
      return false
    }
    this.#queue.push(chunk)
    this.#queueBytes += chunk.bytes.length
    this.#queueSpans += chunk.spanCount
    this.#seq++
    if (this.#queueBytes >= o.requestBytes) setImmediate(() => this.#pump()).unref()
    return true
  }

  /** Sends what is queued; resolves when every chunk queued before the call is settled, or at `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void> {
    const untilSeq = this.#seq
    this.#pump()
    return this.#waiters.wait(untilSeq, timeoutMs)
  }

  /** Refuses new chunks; what is still queued is handed to `lost` now. In-flight requests settle on their own. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#timer = undefined
    const queued = this.#takeQueued(Infinity)
    if (queued.length > 0) {
      this.#count('failed', queued)
      this.#options.lost(queued, 'closed')
    }
    this.#waiters.wake()
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight.size < this.#options.concurrency) {
      this.#send(this.#takeQueued(this.#options.requestBytes))
    }
  }

  /** The oldest chunks up to `budget` bytes (at least one). */
  #takeQueued(budget: number): ChunkItem[] {
    let bytes = 0
    let n = 0
    while (n < this.#queue.length) {
      const next = this.#queue[n] as ChunkItem
      if (n > 0 && bytes + next.bytes.length > budget) break
      bytes += next.bytes.length
      n++
    }
    const taken = this.#queue.slice(0, n)
    this.#queue = this.#queue.slice(n)
    this.#queueBytes -= bytes
    for (const chunk of taken) this.#queueSpans -= chunk.spanCount
    return taken
  }

  #send(chunks: ChunkItem[]): void {
    const pending: Pending = { chunks, lastSeq: this.#seq - this.#queue.length }
    this.#inFlight.add(pending)
    let delivery: Promise<boolean>
    try {
      delivery = this.#options.deliver(chunks)
    } catch {
      delivery = Promise.resolve(false)
    }
    delivery.then(
      (ok) => this.#settle(pending, ok),
      () => this.#settle(pending, false),
    )
  }

  #settle(pending: Pending, ok: boolean): void {
    this.#inFlight.delete(pending)
    if (ok) this.#count('sent', pending.chunks)
    else {
      this.#count('failed', pending.chunks)
      this.#options.lost(pending.chunks, 'failed')
    }
    if (!this.#closed) this.#pump()
    this.#waiters.wake()
  }

  #count(outcome: 'sent' | 'failed' | 'dropped', chunks: readonly ChunkItem[]): void {
    this.counts.chunks[outcome] += chunks.length
    for (const chunk of chunks) this.counts.spans[outcome] += chunk.spanCount
  }

  /** Whether every chunk up to sequence number `seq` left the queue and settled. */
  #settledUpTo(seq: number): boolean {
    const queuedFrom = this.#seq - this.#queue.length
    if (this.#queue.length > 0 && queuedFrom < seq) return false
    for (const pending of this.#inFlight) if (pending.lastSeq - pending.chunks.length < seq) return false
    return true
  }
}
