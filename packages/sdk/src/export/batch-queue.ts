import type { RequestFormat } from './request-format.js'
import { textBytes, textLength } from './text-size.js'

/** Items bound for one request, already laid out as that request's body. */
export interface Batch {
  /** The body is `buffer[0, bodyBytes)`; a sealed batch's body is complete, closing bytes included. */
  buffer: Buffer
  bodyBytes: number
  /** Sum of the items' own sizes (what the queue's byte bound counts). */
  itemBytes: number
  count: number
  /** Sequence number of the first item; the rest follow without gaps. */
  readonly firstSeq: number
}

export interface BatchQueueLimits {
  readonly maxItems: number
  readonly maxBytes: number
  /** No body grows past this. An item must fit an empty body on its own (the caller checks). */
  readonly requestBytes: number
}

/** Request buffers kept for reuse once their request is delivered. */
const SPARE_BUFFERS = 2

/** Items staged as one string before they are written to the request buffer together. */
const MAX_STAGED = 32

/**
 * A bounded FIFO of serialised items, written straight into request-sized UTF-8 buffers as they
 * arrive: each item is encoded to bytes exactly once, its size comes from that write, and a request
 * body is ready the moment its batch is sealed (no join, no second encoding pass, no re-measuring).
 * The bounds count every item not yet handed to the network: the open batch and the sealed ones.
 *
 * Every batch is written into a buffer of one full request (`requestBytes`), so it never grows;
 * once that request is delivered, `recycle` keeps the buffer for a later batch. Measured with the
 * SDK benchmark: a fresh 5 MiB buffer per request (and doubling copies as it grew) cost ~0.35 µs
 * per span in page faults alone, and their external memory brought on extra full GCs. A batch
 * sealed less than half full (by the timer or `flush`) moves to a buffer of its own size, so what
 * waits in the queue never holds more than twice its bytes.
 */
export class BatchQueue {
  readonly #format: RequestFormat
  readonly #limits: BatchQueueLimits
  readonly #open: Buffer
  readonly #separator: Buffer
  readonly #close: Buffer
  readonly #sealed: Batch[] = []
  readonly #spare: Buffer[] = []
  /** An item being written in parts (`beginItem`): its batch, where it starts, bytes so far. */
  #partial: { batch: Batch; before: number; start: number; written: number } | undefined
  #current: Batch | undefined
  #items = 0
  #bytes = 0
  #nextSeq = 0
  /** Items of the open batch not yet in its buffer: their text, separators included. */
  #staged = ''
  #stagedCount = 0
  #stagedSeparators = 0
  /** UTF-8 bytes the staged text may take at most (3 per UTF-16 unit). */
  #stagedWorst = 0

  constructor(format: RequestFormat, limits: BatchQueueLimits) {
    this.#format = format
    this.#limits = limits
    this.#open = Buffer.from(format.open)
    this.#separator = Buffer.from(format.separator)
    this.#close = Buffer.from(format.close)
  }

  get items(): number {
    return this.#items
  }

  get bytes(): number {
    this.#writeStaged()
    return this.#bytes
  }

  /** Sequence number the next accepted item will get. */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /** Sequence number of the oldest item still queued, or `nextSeq` when empty. */
  get oldestSeq(): number {
    return this.#sealed[0]?.firstSeq ?? this.#current?.firstSeq ?? this.#nextSeq
  }

  get sealedCount(): number {
    return this.#sealed.length
  }

  /**
   * Appends an item, sealing the open batch first when the item would push it past one request.
   * Returns 'full' (item not taken) when a bound is reached. An item may come as pieces (a large
   * span's JSON text, see `LargeSpanEncoding`): they are written one after the other, never joined,
   * since joining would flatten the whole text into one string first.
   */
  push(item: string | readonly string[]): 'queued' | 'sealed' | 'full' {
    if (this.#items >= this.#limits.maxItems) return 'full'
    const { separatorBytes, closeBytes } = this.#format
    let outcome: 'queued' | 'sealed' = 'queued'
    let batch = this.#current ?? this.#start()
    // UTF-8 needs at most 3 bytes per UTF-16 unit: when even that fits, write without measuring.
    const worst = textLength(item) * 3
    if (typeof item === 'string' && this.#stage(batch, item, worst)) return 'queued'
    this.#writeStaged()
    let sep = batch.count > 0 ? separatorBytes : 0
    if (batch.bodyBytes + sep + worst + closeBytes > this.#limits.requestBytes) {
      const exact = textBytes(item)
      if (this.#bytes + exact > this.#limits.maxBytes) return 'full'
      if (batch.count > 0 && batch.bodyBytes + sep + exact + closeBytes > this.#limits.requestBytes) {
        this.seal()
        outcome = 'sealed'
        batch = this.#start()
        sep = 0
      }
      this.#reserve(batch, sep + exact)
    } else {
      this.#reserve(batch, sep + worst)
    }
    const start = batch.bodyBytes
    if (sep > 0) this.#separator.copy(batch.buffer, start)
    let written = 0
    if (typeof item === 'string') written = batch.buffer.write(item, start + sep, 'utf8')
    else for (const piece of item) written += batch.buffer.write(piece, start + sep + written, 'utf8')
    if (this.#bytes + written > this.#limits.maxBytes) {
      // Nothing else refers to the bytes just written: not moving the end forward undoes the write.
      return 'full'
    }
    batch.bodyBytes = start + sep + written
    batch.itemBytes += written
    batch.count++
    this.#nextSeq++
    this.#items++
    this.#bytes += written
    return outcome
  }

  /**
   * Starts an item of exactly `bytes` UTF-8 bytes that is written in parts over several turns of the
   * event loop (`writePart`, then `endItem`), so that no single turn writes a whole large event:
   * writing 1 MiB into a fresh request buffer took 4-7 ms here (page faults included). Until
   * `endItem`, the batch it is in is not sealed and nothing else may be pushed. 'full' when a bound
   * refuses it; 'sealed' when the open batch was sealed to make room.
   */
  beginItem(bytes: number): 'queued' | 'sealed' | 'full' {
    if (this.#items >= this.#limits.maxItems || this.#bytes + bytes > this.#limits.maxBytes) return 'full'
    let outcome: 'queued' | 'sealed' = 'queued'
    this.#writeStaged()
    const { separatorBytes, closeBytes } = this.#format
    let batch = this.#current ?? this.#start()
    let sep = batch.count > 0 ? separatorBytes : 0
    if (batch.count > 0 && batch.bodyBytes + sep + bytes + closeBytes > this.#limits.requestBytes) {
      this.seal()
      outcome = 'sealed'
      batch = this.#start()
      sep = 0
    }
    this.#reserve(batch, sep + bytes)
    if (sep > 0) this.#separator.copy(batch.buffer, batch.bodyBytes)
    this.#partial = { batch, before: batch.bodyBytes, start: batch.bodyBytes + sep, written: 0 }
    batch.bodyBytes += sep
    return outcome
  }

  /** Writes the next part of the item `beginItem` started. */
  writePart(text: string): void {
    const partial = this.#partial
    if (partial === undefined) return
    partial.written += partial.batch.buffer.write(text, partial.start + partial.written, 'utf8')
  }

  /** Ends the item `beginItem` started: it now counts, and its batch may be sealed. */
  endItem(): void {
    const partial = this.#partial
    this.#partial = undefined
    if (partial === undefined) return
    const { batch, written } = partial
    batch.bodyBytes = partial.start + written
    batch.itemBytes += written
    batch.count++
    this.#nextSeq++
    this.#items++
    this.#bytes += written
  }

  /** Forgets the item being written in parts, as if `beginItem` had not been called. */
  abandonItem(): void {
    if (this.#partial === undefined) return
    this.#partial.batch.bodyBytes = this.#partial.before
    this.#partial = undefined
  }

  /**
   * Adds the item to the staged text when even the worst case of everything staged fits both the
   * request and the byte bound (so staging never accepts an item the exact path would refuse).
   * Why stage: writing a string into a buffer first flattens it, and that costs ~0.3 µs of fixed
   * overhead per string on Node 20; writing 32 events at once instead of one by one measured
   * ~0.3-0.4 µs less per span with the benchmark's events.
   */
  #stage(batch: Batch, item: string, worst: number): boolean {
    const separator = batch.count + this.#stagedCount > 0
    const extra = (separator ? this.#format.separatorBytes : 0) + worst
    const stagedWorst = this.#stagedWorst + extra
    if (
      this.#stagedCount >= MAX_STAGED ||
      batch.bodyBytes + stagedWorst + this.#format.closeBytes > this.#limits.requestBytes ||
      this.#bytes + stagedWorst > this.#limits.maxBytes
    ) {
      return false
    }
    if (separator) {
      this.#staged += this.#format.separator
      this.#stagedSeparators++
    }
    this.#staged += item
    this.#stagedWorst = stagedWorst
    this.#stagedCount++
    this.#nextSeq++
    this.#items++
    return true
  }

  /** Writes the staged items into the open batch's buffer (where the worst case was reserved). */
  #writeStaged(): void {
    const batch = this.#current
    if (this.#stagedCount === 0 || batch === undefined) return
    this.#reserve(batch, this.#stagedWorst)
    const written = batch.buffer.write(this.#staged, batch.bodyBytes, 'utf8')
    const itemBytes = written - this.#stagedSeparators * this.#format.separatorBytes
    batch.bodyBytes += written
    batch.itemBytes += itemBytes
    batch.count += this.#stagedCount
    this.#bytes += itemBytes
    this.#staged = ''
    this.#stagedCount = 0
    this.#stagedSeparators = 0
    this.#stagedWorst = 0
  }

  /**
   * Closes the open batch so it can be sent now, not only when full. `shrink: false` keeps a
   * batch sealed less than half full in its full-size buffer: for a batch that is handed to the
   * network at once (the buffer is recycled once it is delivered), the copy would only cost.
   */
  seal(shrink = true): void {
    // An item half written in parts keeps its batch open; the next drain seals it.
    if (this.#partial !== undefined) return
    this.#writeStaged()
    const batch = this.#current
    this.#current = undefined
    // A batch can be started and then refuse its first item (a bound was hit): never send it empty.
    if (batch === undefined || batch.count === 0) {
      if (batch !== undefined) this.#keepSpare(batch.buffer)
      return
    }
    this.#close.copy(batch.buffer, batch.bodyBytes)
    batch.bodyBytes += this.#close.length
    if (shrink && batch.bodyBytes * 2 < batch.buffer.length) {
      const own = Buffer.allocUnsafe(batch.bodyBytes)
      batch.buffer.copy(own, 0, 0, batch.bodyBytes)
      this.#keepSpare(batch.buffer)
      batch.buffer = own
    }
    this.#sealed.push(batch)
  }

  /**
   * Takes back the buffer of a batch whose request is over, for a later batch. Only call it once
   * nothing can read the buffer any more (the request was answered, so its body was written).
   */
  recycle(batch: Batch): void {
    this.#keepSpare(batch.buffer)
  }

  /** Lets go of the spare buffers (when the stream is idle, so an idle process holds none). */
  releaseSpare(): void {
    this.#spare.length = 0
  }

  /** Removes and returns the oldest sealed batch; its items no longer count against the bounds. */
  take(): Batch | undefined {
    const batch = this.#sealed.shift()
    if (batch === undefined) return undefined
    this.#items -= batch.count
    this.#bytes -= batch.itemBytes
    return batch
  }

  /** Removes everything, sealed or not, returning how many items were removed. */
  clear(): number {
    const removed = this.#items
    this.#sealed.length = 0
    this.#current = undefined
    this.#partial = undefined
    this.#staged = ''
    this.#stagedCount = 0
    this.#stagedSeparators = 0
    this.#stagedWorst = 0
    this.#items = 0
    this.#bytes = 0
    return removed
  }

  /** A sealed batch's request body (a view, not a copy). */
  body(batch: Batch): Buffer {
    return batch.buffer.subarray(0, batch.bodyBytes)
  }

  #keepSpare(buffer: Buffer): void {
    if (buffer.length === this.#limits.requestBytes && this.#spare.length < SPARE_BUFFERS) {
      this.#spare.push(buffer)
    }
  }

  #start(): Batch {
    const buffer = this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#limits.requestBytes)
    this.#open.copy(buffer, 0)
    const batch: Batch = {
      buffer,
      bodyBytes: this.#open.length,
      itemBytes: 0,
      count: 0,
      firstSeq: this.#nextSeq,
    }
    this.#current = batch
    return batch
  }

  /** Makes room for `extra` more bytes plus the closing bytes (a safety net: bodies fit one request). */
  #reserve(batch: Batch, extra: number): void {
    const needed = batch.bodyBytes + extra + this.#close.length
    if (needed <= batch.buffer.length) return
    const capacity = Math.min(
      Math.max(needed, batch.buffer.length * 2),
      Math.max(needed, this.#limits.requestBytes),
    )
    const grown = Buffer.allocUnsafe(capacity)
    batch.buffer.copy(grown, 0, 0, batch.bodyBytes)
    batch.buffer = grown
  }
}
