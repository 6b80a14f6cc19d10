import { deferredData } from '../annotation/deferred-value.js'
import type { SpanRecord } from '../span/span-record.js'
import { mapStrings } from './map-strings.js'

/** The part of a span that may be cut to fit: everything else (ids, timing, metrics, error) stays. */
type Part = 'input' | 'output' | 'metadata' | 'tags'

const PARTS: readonly Part[] = ['input', 'output', 'metadata', 'tags']
const COLLECTION_ERROR: Record<Part, string> = {
  input: 'trimmed_io',
  output: 'trimmed_io',
  metadata: 'trimmed_metadata',
  tags: 'trimmed_tags',
}
// Strings shorter than this are never cut: the marker would be about as long.
const MIN_CUT_CHARS = 256
// Past this many strings the rest count whole towards the size and are never cut (bounded work).
const MAX_SLOTS = 100_000

/**
 * Makes a span's data fit `budgetChars` before it is ever serialised, so a 10 MB or 100 MB value
 * costs what the budget costs, not what the value costs. Sizes are string lengths, read without
 * building any text. When the total is over budget, the longest strings of input, output, metadata
 * and tags are cut first, all to one common length ("water filling"), each keeping its beginning and
 * ending in a visible marker; `collection_errors` says which parts were cut. Ids, kind, name, timing,
 * metrics and error are never touched. Returns the same record when it fits (the common case costs
 * one walk over the span's values). Pure: objects shared with the user are copied, never changed.
 *
 * @example
 * const fitted = fitRecord(record, 1024 * 1024)
 */
export function fitRecord(record: SpanRecord, budgetChars: number): SpanRecord {
  return fitRecordSized(record, budgetChars).record
}

export interface FitResult {
  readonly record: SpanRecord
  /** The longest string left in input, output and metadata. */
  readonly longestValue: number
  /** The length every longer string was cut to (`cutBounds`); Infinity when nothing was cut. */
  readonly cap: number
  /** The size of input, output, metadata and tags as measured before any cut (characters, about). */
  readonly totalChars: number
}

/**
 * `fitRecord`, and the length of the longest string left in input, output and metadata (the
 * exporter encodes spans with long ones in steps), learnt from the same walk.
 */
export function fitRecordSized(record: SpanRecord, budgetChars: number): FitResult {
  const lengths: number[] = []
  let total = 0
  let longestValue = 0
  for (const part of PARTS) {
    total += measure(record[part], lengths)
    // Every string of 256 characters or more is in `lengths`; shorter ones never matter here.
    if (part === 'metadata') for (const length of lengths) longestValue = Math.max(longestValue, length)
  }
  if (total <= budgetChars) return { record, longestValue, cap: Number.POSITIVE_INFINITY, totalChars: total }

  const cap = waterLevel(lengths, total, budgetChars)
  longestValue = Math.min(longestValue, cap)
  const cut = new Set<Part>()
  const replaced: Partial<Record<Part, unknown>> = {}
  for (const part of PARTS) {
    const before = record[part]
    const after = cutStrings(before, cap)
    if (after !== before) {
      replaced[part] = after
      cut.add(part)
    }
  }
  if (cut.size === 0) return { record, longestValue, cap, totalChars: total }
  const errors = new Set(record.collectionErrors ?? [])
  for (const part of cut) errors.add(COLLECTION_ERROR[part])
  const fitted = Object.freeze({ ...record, ...replaced, collectionErrors: [...errors] }) as SpanRecord
  return { record: fitted, longestValue, cap, totalChars: total }
}

/** Sum of the string lengths in `value` (keys included); each long string's length goes in `lengths`. */
function measure(value: unknown, lengths: number[]): number {
  // A deferred `{ value }` is sized by its data: reading `value` would build the very text we avoid.
  const deferred = deferredData(value)
  if (deferred !== undefined) return 12 + measure(deferred, lengths)
  if (typeof value === 'string') {
    if (value.length >= MIN_CUT_CHARS && lengths.length < MAX_SLOTS) lengths.push(value.length)
    return value.length
  }
  if (value === null || typeof value !== 'object') return 8
  let sum = 2
  if (Array.isArray(value)) {
    for (const item of value) sum += measure(item, lengths) + 1
    return sum
  }
  for (const key in value) {
    sum += key.length + 4 + measure((value as Record<string, unknown>)[key], lengths)
  }
  return sum
}

/**
 * The length every string longer than it is cut to, so that the total fits: the largest cut first.
 * With the lengths sorted in descending order, capping the k longest at C saves sum(top k) - k·C.
 */
function waterLevel(lengths: number[], total: number, budget: number): number {
  lengths.sort((a, b) => b - a)
  const excess = total - budget
  let topSum = 0
  for (let k = 1; k <= lengths.length; k++) {
    topSum += lengths[k - 1] as number
    const next = lengths[k] ?? MIN_CUT_CHARS
    // Capping the k longest at `next` would save this much; enough once it covers the excess.
    if (topSum - k * next >= excess) return Math.max(MIN_CUT_CHARS, Math.floor((topSum - excess) / k))
  }
  return MIN_CUT_CHARS
}

/** `value` with every string longer than `cap` cut; the same reference when nothing inside changes. */
function cutStrings(value: unknown, cap: number): unknown {
  return mapStrings(value, (text) => (text.length > cap ? cutString(text, cap) : text))
}

/** The beginning and the ending of `text`, `cap` characters in all, around a marker. */
export function cutString(text: string, cap: number): string {
  return cutParts(text, cap).join('')
}

/**
 * `text` cut to `cap` characters, as its parts: its beginning (a slice of `text`), the marker, its
 * ending. Shared with the stepwise encoder, which writes the parts without building the cut string.
 */
export function cutParts(text: string, cap: number): [head: string, marker: string, tail: string] {
  const marker = `...[llmobs: trimmed ${text.length - cap} of ${text.length} characters to fit the span size limit]...`
  const keep = Math.max(0, cap - marker.length)
  let head = Math.ceil(keep * 0.75)
  let tail = text.length - (keep - head)
  // Never split a surrogate pair: half of one would become a replacement character.
  if (head > 0 && isHighSurrogate(text.charCodeAt(head - 1))) head--
  if (tail < text.length && isLowSurrogate(text.charCodeAt(tail))) tail++
  return [text.slice(0, head), marker, text.slice(tail)]
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
