import { type Batch, BatchQueue } from './batch-queue.js'
import type { DropCause, StreamCounts } from './exporter.js'
import type { RequestFormat } from './request-format.js'
import { SettleWaiters } from './settle-waiters.js'

/** Sends one request body; resolves true when delivered, false when its items are lost. */
export type DeliverBatch = (body: Buffer, itemCount: number) => Promise<boolean>

export interface EventWriterOptions {
  readonly format: RequestFormat
  readonly maxQueueItems: number
  readonly maxQueueBytes: number
  readonly requestBytes: number
  readonly flushIntervalMs: number
  /** Requests of this stream in flight at once. */
  readonly concurrency: number
  readonly deliver: DeliverBatch
  /** Called on each item refused because the queue is full (report it once). */
  readonly onOverflow: () => void
  /**
   * Whether there is somewhere to send to now. While false, batches stay queued (bounded, and
   * counted when the queue overflows) instead of being sent to fail; call `resume()` once it is true.
   */
  readonly canSend?: () => boolean
}

/** Drains (one per flush interval, 1 s by default) of an idle stream before its spare buffers go. */
const SPARE_IDLE_DRAINS = 10

/**
 * One stream (spans or evaluations): a bounded queue drained by a timer and as soon as a full
 * request's worth is queued, with a bounded number of requests in flight. Every item offered ends
 * in exactly one of `sent`, `failed`, `dropped`.
 */
export class EventWriter {
  readonly #options: EventWriterOptions
  readonly #queue: BatchQueue
  readonly #inFlight = new Set<Batch>()
  readonly #counts: StreamCounts = { sent: 0, failed: 0, dropped: 0 }
  readonly #droppedBy: Record<DropCause, number> = {
    queueFull: 0,
    oversize: 0,
    unencodable: 0,
    afterShutdown: 0,
  }
  readonly #waiters = new SettleWaiters((seq) => this.#settledBefore(seq))
  #timer: NodeJS.Timeout | undefined
  #pumpScheduled = false
  #closed = false
  #idleDrains = 0

  constructor(options: EventWriterOptions) {
    this.#options = options
    this.#queue = new BatchQueue(options.format, {
      maxItems: options.maxQueueItems,
      maxBytes: options.maxQueueBytes,
      requestBytes: options.requestBytes,
    })
    this.#timer = setInterval(() => this.#drain(), options.flushIntervalMs)
    this.#timer.unref()
  }

  /** A snapshot of the cumulative counts. */
  get counts(): StreamCounts {
    return { ...this.#counts }
  }

  /** The dropped items by cause; they sum to `counts.dropped`. */
  get droppedBy(): Record<DropCause, number> {
    return { ...this.#droppedBy }
  }

  /** Items waiting in the queue (not yet in flight). */
  get queued(): number {
    return this.#queue.items
  }

  /** Whether anything is queued or in flight. */
  get busy(): boolean {
    return this.#queue.items > 0 || this.#inFlight.size > 0
  }

  /** Queues one serialised item (whole, or as pieces of one text). Returns false when it was dropped. */
  enqueue(item: string | readonly string[]): boolean {
    return this.#admit(() => this.#queue.push(item))
  }

  /**
   * Starts one serialised item of exactly `bytes` bytes, written in parts (see `BatchQueue.beginItem`).
   * False when it was dropped (queue full or closed); otherwise call `writePart`, then `endItem`.
   */
  beginItem(bytes: number): boolean {
    return this.#admit(() => this.#queue.beginItem(bytes))
  }

  /** Counts what the queue refused; a sealed request is sent soon. */
  #admit(take: () => 'queued' | 'sealed' | 'full'): boolean {
    if (this.#closed) {
      this.countDropped('afterShutdown')
      return false
    }
    const outcome = take()
    if (outcome === 'full') {
      this.countDropped('queueFull')
      this.#options.onOverflow()
      return false
    }
    // A full request is waiting: send it soon, without doing network work inside the caller's
    // synchronous code (a burst keeps queueing; the sends start when the event loop turns).
    if (outcome === 'sealed') this.#schedulePump()
    return true
  }

  writePart(text: string): void {
    this.#queue.writePart(text)
  }

  endItem(): void {
    this.#queue.endItem()
  }

  /** Counts items that never reached the queue, by cause (could not be encoded, too large, ...). */
  countDropped(cause: DropCause, count = 1): void {
    this.#counts.dropped += count
    this.#droppedBy[cause] += count
  }

  /** Counts items delivered on this stream's behalf by someone else (the spool replay). */
  countSent(count: number): void {
    this.#counts.sent += count
  }

  /** Counts items that were accepted but can no longer be sent (the exporter stopped first). */
  countFailed(count: number): void {
    this.#counts.failed += count
  }

  /** Reports a full queue upstream of this writer the way its own overflow is reported. */
  reportOverflow(): void {
    this.#options.onOverflow()
  }

  /**
   * Sends everything queued now and resolves when every item queued before the call is settled,
   * or when `timeoutMs` passes.
   */
  flush(timeoutMs?: number): Promise<void> {
    const untilSeq = this.#queue.nextSeq
    this.#drain()
    return this.#waiters.wait(untilSeq, timeoutMs)
  }

  /**
   * For the spool: removes and returns every request body not known to be delivered (in flight,
   * then queued, the open batch sealed), oldest first. Synchronous, for the exit hook; the items
   * taken are no longer counted as queued.
   */
  takeUndelivered(): Array<{ body: Buffer; count: number; inFlight: boolean }> {
    // An item half written in parts is not in any body: its record is still to be encoded.
    this.#queue.abandonItem()
    this.#queue.seal()
    const bodies = [...this.#inFlight].map((batch) => ({
      body: this.#queue.body(batch),
      count: batch.count,
      inFlight: true,
    }))
    let batch: Batch | undefined
    while ((batch = this.#queue.take()) !== undefined) {
      bodies.push({ body: this.#queue.body(batch), count: batch.count, inFlight: false })
    }
    return bodies
  }

  /**
   * Stops the timer and refuses new items; what is still queued is counted as failed (it can no
   * longer be sent). In-flight requests settle on their own.
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#counts.failed += this.#queue.clear()
    this.#waiters.wake()
  }

  #drain(): void {
    // A batch that leaves at once stays in its full-size buffer, which comes back for the next batch
    // once delivered. Shrinking it first copied its bytes into fresh memory only to send them: page
    // faults included, ~4 ms of CPU per MB on the benchmark's machine (the first flush of a short
    // run, and every timer-sealed request of a long one). A batch that will wait is still shrunk.
    const canSend = this.#options.canSend?.() !== false
    const leavesNow =
      canSend && this.#queue.sealedCount === 0 && this.#inFlight.size < this.#options.concurrency
    this.#queue.seal(!leavesNow)
    this.#pump(canSend)
    // Spare request buffers go only after the stream has been idle a while: a fresh 5 MiB buffer
    // costs page faults as it is written (~4 ms per MB here), which an app sending now and then
    // would pay on every request if the spares went at the first idle drain.
    if (this.#queue.items === 0 && this.#inFlight.size === 0) {
      if (++this.#idleDrains >= SPARE_IDLE_DRAINS) this.#queue.releaseSpare()
    } else {
      this.#idleDrains = 0
    }
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return
    this.#pumpScheduled = true
    setImmediate(() => {
      this.#pumpScheduled = false
      this.#pump()
    }).unref()
  }

  /** Sends what is queued: called when `canSend` turns true. */
  resume(): void {
    this.#drain()
  }

  #pump(canSend = this.#options.canSend?.() !== false): void {
    if (!canSend) return
    while (this.#inFlight.size < this.#options.concurrency) {
      const batch = this.#queue.take()
      if (batch === undefined) return
      this.#send(batch)
    }
  }

  #send(batch: Batch): void {
    this.#inFlight.add(batch)
    const count = batch.count
    let delivery: Promise<boolean>
    try {
      delivery = this.#options.deliver(this.#queue.body(batch), count)
    } catch {
      delivery = Promise.resolve(false)
    }
    delivery.then(
      (ok) => this.#settle(batch, count, ok),
      () => this.#settle(batch, count, false),
    )
  }

  #settle(batch: Batch, count: number, ok: boolean): void {
    if (ok) {
      this.#counts.sent += count
      // Answered with success, so the body was read: the buffer can carry another batch. After a
      // failure (a timeout may leave a write pending) it is left to the garbage collector.
      this.#queue.recycle(batch)
    } else {
      this.#counts.failed += count
    }
    this.#inFlight.delete(batch)
    this.#pump()
    this.#waiters.wake()
  }

  #settledBefore(seq: number): boolean {
    let oldest = this.#queue.oldestSeq
    for (const batch of this.#inFlight) oldest = Math.min(oldest, batch.firstSeq)
    return oldest >= seq
  }
}
