import { DROPPED_VALUE_MARKER, LIMITS, type SpanEvent } from '@llmobs/protocol'

/** What `fitSpanEvent` produced: the new serialisation and what it had to do to get there. */
export interface FittedEvent {
  readonly json: string
  readonly bytes: number
  /** Entries added to the event's `collection_errors`: `trimmed_io`, `trimmed_metadata`, `dropped_io`. */
  readonly added: readonly string[]
}

interface Leaf {
  readonly holder: Record<string, unknown> | unknown[]
  readonly key: string | number
  readonly value: string
  /** UTF-8 size of the value as a JSON string, quotes excluded. */
  readonly bytes: number
  readonly io: boolean
}

// Strings shorter than this are never worth cutting: the marker would be about as long.
const MIN_TRIM_CHARS = 256
// Room for the marker text and for the estimate being a little off.
const MARKER_ROOM = 96
const NOT_TRIMMED = new Set(['span.kind', 'model_name', 'model_provider'])
const LIMIT_TEXT = `${LIMITS.eventBytes / 1024 / 1024} MiB`

/**
 * Makes an oversized span event fit `limitBytes` while losing as little as possible. The largest
 * strings of `meta` (input and output values, message contents, document texts, metadata, ...) are
 * cut first, all down to one common size ("water filling"), each keeping its beginning and ending in a
 * visible marker such as `[llmobs: trimmed 4.2 MB to fit the 5 MiB event limit]`; `collection_errors`
 * says what happened. Only when that cannot work (the bulk is not in long strings) does it fall back
 * to the existing tracers' answer: input and output replaced by `DROPPED_VALUE_MARKER` with
 * `dropped_io`. Returns undefined when even that does not fit. The event is re-parsed from `json`,
 * so objects shared with the span record are never changed.
 *
 * @example
 * const fitted = fitSpanEvent(json, Buffer.byteLength(json), 5 * 1024 * 1024)
 * if (fitted === undefined) countDropped()
 */
export function fitSpanEvent(json: string, bytes: number, limitBytes: number): FittedEvent | undefined {
  if (bytes <= limitBytes) return { json, bytes, added: [] }
  const trimmed = trimLeaves(json, limitBytes, false)
  if (trimmed !== undefined) return trimmed
  return trimLeaves(json, limitBytes, true)
}

function trimLeaves(json: string, limitBytes: number, dropIO: boolean): FittedEvent | undefined {
  let excess = 0
  // A few rounds: each cut is sized by estimate; a round that misses adds what it missed.
  for (let round = 0; round < 4; round++) {
    const event = JSON.parse(json) as SpanEvent
    const added: string[] = []
    if (dropIO) {
      event.meta.input = { value: DROPPED_VALUE_MARKER }
      event.meta.output = { value: DROPPED_VALUE_MARKER }
      added.push('dropped_io')
    }
    let out = JSON.stringify(event)
    let size = Buffer.byteLength(out)
    if (size > limitBytes) {
      excess = Math.max(excess, size - limitBytes) + MARKER_ROOM
      const leaves = collectLeaves(event.meta, dropIO)
      const cap = waterLevel(
        leaves.map((l) => l.bytes),
        excess,
      )
      if (cap === undefined) return undefined
      let io = false
      let other = false
      for (const leaf of leaves) {
        if (leaf.bytes <= cap) continue
        setLeaf(leaf, cut(leaf, cap))
        if (leaf.io) io = true
        else other = true
      }
      if (io) added.push('trimmed_io')
      if (other) added.push('trimmed_metadata')
      out = JSON.stringify(event)
      size = Buffer.byteLength(out)
      if (size > limitBytes) {
        excess += size - limitBytes
        continue
      }
    }
    if (added.length > 0) {
      event.collection_errors = [...(event.collection_errors ?? []), ...added]
      out = JSON.stringify(event)
      size = Buffer.byteLength(out)
      if (size > limitBytes) {
        excess += size - limitBytes
        continue
      }
    }
    return { json: out, bytes: size, added }
  }
  return undefined
}

function collectLeaves(meta: SpanEvent['meta'], skipIO: boolean): Leaf[] {
  const leaves: Leaf[] = []
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, io: boolean): void => {
    const value = (holder as Record<string | number, unknown>)[key]
    if (typeof value === 'string') {
      if (value.length >= MIN_TRIM_CHARS) leaves.push({ holder, key, value, bytes: jsonBytes(value), io })
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value, i, io)
    } else if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) visit(value as Record<string, unknown>, k, io)
    }
  }
  for (const key of Object.keys(meta)) {
    if (NOT_TRIMMED.has(key)) continue
    const io = key === 'input' || key === 'output'
    if (io && skipIO) continue
    visit(meta, key, io)
  }
  // Largest first; equal sizes keep their document order.
  return leaves.sort((a, b) => b.bytes - a.bytes)
}

/**
 * The size every string larger than it is cut down to so that together they shed `excess` bytes,
 * or undefined when even reducing them all to a bare marker cannot.
 */
function waterLevel(sizesDesc: readonly number[], excess: number): number | undefined {
  let sum = 0
  for (let k = 1; k <= sizesDesc.length; k++) {
    sum += sizesDesc[k - 1] ?? 0
    const level = Math.floor((sum - excess) / k)
    const next = sizesDesc[k] ?? 0
    if (level >= next) return level >= MARKER_ROOM ? level : undefined
  }
  return undefined
}

/** The leaf's beginning plus the marker, together at most `cap` bytes. */
function cut(leaf: Leaf, cap: number): string {
  const target = cap - MARKER_ROOM
  const keep = prefixWithin(leaf.value, leaf.bytes, target)
  const removed = leaf.bytes - jsonBytes(keep)
  return `${keep}[llmobs: trimmed ${formatBytes(removed)} to fit the ${LIMIT_TEXT} event limit]`
}

function prefixWithin(text: string, bytes: number, target: number): string {
  if (target <= 0) return ''
  let n = Math.floor((text.length * target) / bytes)
  for (;;) {
    // Never split a surrogate pair: half a character would serialise as an escape.
    if (n > 0 && isHighSurrogate(text.charCodeAt(n - 1))) n--
    if (n <= 0) return ''
    const prefix = text.slice(0, n)
    const size = jsonBytes(prefix)
    if (size <= target) return prefix
    n = Math.floor((n * target) / size) - 1
  }
}

function setLeaf(leaf: Leaf, value: string): void {
  ;(leaf.holder as Record<string | number, unknown>)[leaf.key] = value
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`
  if (bytes >= 1_000) return `${(bytes / 1_000).toFixed(1)} kB`
  return `${bytes} B`
}
