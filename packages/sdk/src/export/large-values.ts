import { randomBytes } from 'node:crypto'
import type { SpanRecord } from '../span/span-record.js'
import { cutParts, cutString, isHighSurrogate } from './fit-record.js'
import { isPlainText } from './json-text.js'
import { mapStrings } from './map-strings.js'

/** Strings at least this long are escaped piece by piece on later encode slices, not at once. */
export const LARGE_VALUE_CHARS = 32 * 1024
/** Characters escaped per step: ~0.1 ms of work, so a slice can stop close to its deadline. */
const PIECE_CHARS = 64 * 1024

// A placeholder no user string can contain by chance: a control character (so the JSON writers
// escape it, `\u0001`) around a per-process random nonce.
const NONCE = randomBytes(6).toString('hex')
const placeholder = (index: number): string => `\u0001llmobs-${NONCE}:${index}\u0001`
// As it appears in the event text: escaped once (`\u0001...`), or twice inside the JSON text of an
// object value (`\\u0001...`: the writer escapes the value's text as a string), group 1 then set.
const ESCAPED_PLACEHOLDER = new RegExp(String.raw`(\\)?\\u0001llmobs-${NONCE}:(\d+)\\?\\u0001`, 'g')

/**
 * The encoding of one span whose input, output or metadata hold long strings, spread over as many
 * encode slices as it takes. Why: written at once, a span of `maxSpanSize` (1 MiB) cost 10-30 ms
 * of one task on a loaded 2-core machine (flattening the cut strings, scanning and escaping them,
 * then flattening the event into the request buffer). Here the long strings are replaced by
 * placeholders, the small remainder is written by the usual writer, and each long string is escaped
 * 64 K characters per step; the event is then handed to the queue as pieces, never joined.
 *
 * @example
 * const { record: fitted, cap } = fitRecordSized(record, maxSpanSize)
 * const job = LargeSpanEncoding.of(record, fitted, cap, (r) => spanJson(r))
 * while (job !== undefined && !job.step()) {} // one step per slice in the exporter
 * queue.push(job.pieces())
 */
export class LargeSpanEncoding {
  readonly #skeleton: string
  /** Each long string as the parts it is written from: a cut one keeps its ends around a marker. */
  readonly #values: readonly (readonly string[])[]
  /** How many times each value is escaped: 1, or 2 inside an object value's JSON text. */
  readonly #levels: readonly number[]
  readonly #escaped: string[][]
  #value = 0
  #part = 0
  #offset = 0

  private constructor(skeleton: string, values: readonly (readonly string[])[]) {
    this.#skeleton = skeleton
    this.#values = values
    const levels = values.map(() => 1)
    for (const match of skeleton.matchAll(ESCAPED_PLACEHOLDER))
      levels[Number(match[2])] = match[1] === undefined ? 1 : 2
    this.#levels = levels
    this.#escaped = values.map(() => [])
  }

  /**
   * The encoding of a span when it holds long strings, or undefined when it holds none. `fitted` is
   * `fitRecordSized(original, ...)`; its long strings are taken from `original` and cut to `cap` here,
   * part by part, because the cut string `fitRecord` built is a rope that costs ~3 ns per character to
   * flatten before it can be read (~1.2 ms for 350 K characters) while slices of the user's own flat
   * string cost nothing. `encode` writes the JSON text of the record with the placeholders.
   */
  static of(
    original: SpanRecord,
    fitted: SpanRecord,
    cap: number,
    encode: (record: SpanRecord) => string,
  ): LargeSpanEncoding | undefined {
    const values: string[][] = []
    const take = (text: string): string => {
      const cut = text.length > cap
      if ((cut ? cap : text.length) < LARGE_VALUE_CHARS) return cut ? cutString(text, cap) : text
      values.push(cut ? cutParts(text, cap) : [text])
      return placeholder(values.length - 1)
    }
    const input = mapStrings(original.input, take)
    const output = mapStrings(original.output, take)
    const metadata = mapStrings(original.metadata, take)
    if (values.length === 0) return undefined
    // Everything else (tags, collection_errors naming what was cut) as fitRecord made it.
    const skeleton = encode(Object.freeze({ ...fitted, input, output, metadata }) as SpanRecord)
    return new LargeSpanEncoding(skeleton, values)
  }

  /** Escapes the next piece (at most 64 K characters); true once everything is escaped. */
  step(): boolean {
    const parts = this.#values[this.#value]
    if (parts === undefined) return true
    const text = parts[this.#part] as string
    let end = Math.min(text.length, this.#offset + PIECE_CHARS)
    // Never split a surrogate pair: each half alone would be escaped as \uXXXX, unlike the whole.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--
    let piece = this.#offset === 0 && end === text.length ? text : text.slice(this.#offset, end)
    for (let level = this.#levels[this.#value] ?? 1; level > 0; level--) piece = escapeJson(piece)
    ;(this.#escaped[this.#value] as string[]).push(piece)
    this.#offset = end
    if (end === text.length) {
      this.#offset = 0
      if (++this.#part === parts.length) {
        this.#part = 0
        this.#value++
      }
    }
    return this.#value === this.#values.length
  }

  /** The event's JSON text as pieces, in order (after `step()` returned true). */
  pieces(): string[] {
    const out: string[] = []
    let from = 0
    for (const match of this.#skeleton.matchAll(ESCAPED_PLACEHOLDER)) {
      out.push(this.#skeleton.slice(from, match.index))
      for (const piece of this.#escaped[Number(match[2])] ?? []) out.push(piece)
      from = match.index + match[0].length
    }
    out.push(this.#skeleton.slice(from))
    return out
  }
}

/** `text` as it appears between the quotes of a JSON string. */
function escapeJson(text: string): string {
  return isPlainText(text) ? text : JSON.stringify(text).slice(1, -1)
}
