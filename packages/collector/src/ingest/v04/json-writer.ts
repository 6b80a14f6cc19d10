import { isUtf8 } from 'node:buffer'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { MAX_DEPTH } from './max-depth.js'
import { isProtoKey } from './msgpack-cursor.js'
import { escape } from './json-escape.js'
import { latin1Slice, utf8Slice } from './string-slices.js'

/** More keys than this in the maps being written at once (all nesting levels) gives up. */
const MAX_OPEN_KEYS = 1024
/** The scratch buffer never stays larger than this between spans. */
const KEEP_BYTES = 1 << 20

/**
 * Writes JSON text straight from msgpack bytes, without building the values: the v0.4 fast path's
 * transcoder. Why it exists: on `PUT /v0.4/traces` with `meta_struct`, decoding each struct into
 * objects (`@msgpack/msgpack`) and serialising them again (`JSON.stringify`) cost about 20 µs of the
 * 29 µs per span the main thread spent; the span events' big parts (input, output, metadata) go
 * from bytes to text here instead (see bench/README.md, Collector).
 *
 * The text is exactly what `JSON.stringify` would write for the value `@msgpack/msgpack` decodes
 * (same escapes, same number formatting, same key order); wherever the two could differ, the writer
 * gives up through the cursor (`cursor.failed`) and the caller falls back to the reference path:
 * integer-like keys (objects list them first), duplicate keys (the last value wins in the first
 * key's place), `__proto__`, 64-bit integers (the reference turns their bigints into numbers), bins,
 * extensions, invalid UTF-8, nesting deeper than {@link MAX_DEPTH}.
 *
 * @example
 * const mark = writer.mark()
 * writer.value(cursor, 0) // at a msgpack map
 * const json = writer.take(cursor, mark) // '{"messages":[{"role":"user","content":"hi"}]}'
 */
export class JsonWriter {
  #out = Buffer.allocUnsafe(64 * 1024)
  #pos = 0
  /** Whether a byte >= 0x80 was written since the last mark (the text then needs a UTF-8 check). */
  #high = false
  /** Hashes of the keys of the maps being written, innermost last: the duplicate-key check. */
  readonly #keys = new Int32Array(MAX_OPEN_KEYS)
  #keyCount = 0

  /** Where the next text starts. */
  mark(): number {
    this.#high = false
    return this.#pos
  }

  /**
   * The text written since `mark`, as a string; the space is reused afterwards. Gives up (returns '')
   * when the strings copied were not valid UTF-8.
   */
  take(cursor: MsgpackCursor, mark: number): string {
    const end = this.#pos
    this.#pos = mark
    return this.text(cursor, mark, end)
  }

  /** Where the next byte goes (for {@link copy} and {@link text} ranges). */
  get pos(): number {
    return this.#pos
  }

  /** Forgets everything written from `mark` on. */
  rewind(mark: number): void {
    this.#pos = mark
  }

  /** Appends a copy of the bytes written earlier at `[start, end)`. */
  copy(start: number, end: number): void {
    const out = this.#reserve(end - start)
    out.copyWithin(this.#pos, start, end)
    this.#pos += end - start
  }

  /**
   * The text written at `[start, end)`, as a string (the space stays taken until rewound). Gives up
   * (returns '') when the strings copied since the last {@link mark} were not valid UTF-8.
   */
  text(cursor: MsgpackCursor, start: number, end: number): string {
    const out = this.#out
    if (!this.#high) return latin1Slice(out, start, end)
    if (!isUtf8(out.subarray(start, end))) {
      cursor.fail()
      return ''
    }
    return utf8Slice(out, start, end)
  }

  /** Shrinks the scratch buffer after an unusually large value, so it never stays big. */
  reset(): void {
    this.#pos = 0
    this.#keyCount = 0
    if (this.#out.length > KEEP_BYTES) this.#out = Buffer.allocUnsafe(64 * 1024)
  }

  #reserve(n: number): Buffer {
    if (this.#pos + n > this.#out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#out.length * 2, this.#pos + n))
      this.#out.copy(grown, 0, 0, this.#pos)
      this.#out = grown
    }
    return this.#out
  }

  /** One ASCII byte (punctuation). */
  byte(c: number): void {
    this.#reserve(1)[this.#pos++] = c
  }

  /** ASCII text (numbers, literals, fixed keys). */
  ascii(text: string): void {
    const out = this.#reserve(text.length)
    let pos = this.#pos
    for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i)
    this.#pos = pos
  }

  /**
   * A JS string as a JSON string, as JSON.stringify writes it (for text that is not in the body's
   * bytes, e.g. the host's error message or a tag value made text).
   */
  jsonString(text: string): void {
    this.byte(0x22)
    this.#jsonChars(text)
    this.byte(0x22)
  }

  /** `"<key>:<value>"`: the JSON string of a `k:v` tag, without building the tag. */
  jsonPair(key: string, value: string): void {
    this.byte(0x22)
    this.#jsonChars(key)
    this.byte(0x3a)
    this.#jsonChars(value)
    this.byte(0x22)
  }

  /** The characters of `text` as escaped inside a JSON string: ASCII here, the rest through JSON.stringify. */
  #jsonChars(text: string): void {
    const n = text.length
    const out = this.#reserve(n * 6)
    let pos = this.#pos
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) {
        const json = JSON.stringify(text)
        const inner = json.slice(1, -1)
        const size = Buffer.byteLength(inner)
        this.#pos += this.#reserve(size).write(inner, this.#pos, 'utf8')
        this.#high = true
        return
      }
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) out[pos++] = c
      else pos = escape(out, pos, c)
    }
    this.#pos = pos
  }

  /**
   * The `n` bytes of a msgpack str at `start` as a JSON string: copied, with JSON.stringify's escapes
   * (`\"`, `\\`, `\b\t\n\f\r`, `\u00XX` for other control characters). Gives up on a leading BOM.
   */
  string(cursor: MsgpackCursor, start: number, n: number): void {
    const src = cursor.bytes
    if (n >= 3 && src[start] === 0xef && src[start + 1] === 0xbb && src[start + 2] === 0xbf) {
      cursor.fail()
      return
    }
    const out = this.#reserve(n * 6 + 2)
    let pos = this.#pos
    let high = 0
    out[pos++] = 0x22
    const end = start + n
    for (let i = start; i < end; i++) {
      const c = src[i] as number
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        out[pos++] = c
        high |= c
        continue
      }
      pos = escape(out, pos, c)
    }
    out[pos++] = 0x22
    this.#pos = pos
    if (high >= 0x80) this.#high = true
  }

  /** Opens a map's key scope; returns the token {@link closeKeys} needs. */
  openKeys(): number {
    return this.#keyCount
  }

  closeKeys(token: number): void {
    this.#keyCount = token
  }

  /**
   * Checks the map key whose `n` str bytes are at `start`: its place and value in a JS object must be
   * unambiguous, so not integer-like, not `__proto__`, not a duplicate of an earlier key of the same
   * map (`scope` from {@link openKeys}). Gives up otherwise. Writes nothing.
   */
  checkKey(cursor: MsgpackCursor, scope: number, start: number, n: number): void {
    const src = cursor.bytes
    // FNV-1a, kept as an int32 like the Int32Array it is compared with (also for the empty key).
    let hash = 0x811c9dc5 | 0
    let digits = n > 0
    for (let i = start; i < start + n; i++) {
      const c = src[i] as number
      hash = Math.imul(hash ^ c, 0x01000193)
      if (c < 0x30 || c > 0x39) digits = false
    }
    if (digits || (n === 9 && isProtoKey(src, start)) || this.#keyCount === MAX_OPEN_KEYS) {
      cursor.fail()
      return
    }
    const keys = this.#keys
    for (let i = scope; i < this.#keyCount; i++) {
      // A hash collision gives up too: rare, and the reference path is always right.
      if (keys[i] === hash) {
        cursor.fail()
        return
      }
    }
    keys[this.#keyCount++] = hash
  }

  /** {@link checkKey}, then writes the key as a JSON string (without the `:`). */
  key(cursor: MsgpackCursor, scope: number, start: number, n: number): void {
    this.checkKey(cursor, scope, start, n)
    this.string(cursor, start, n)
  }

  /** Transcodes the value at the cursor (nested `depth` deep) to JSON. */
  value(cursor: MsgpackCursor, depth: number): void {
    const head = cursor.head()
    if (head < 0) return
    if (head <= 0x7f) {
      if (head < 10) this.byte(0x30 + head)
      else this.ascii(String(head))
      return
    }
    if ((head >= 0xa0 && head <= 0xbf) || (head >= 0xd9 && head <= 0xdb)) {
      const n = cursor.strSize(head)
      if (n < 0) return
      const start = cursor.pos
      cursor.pos += n
      this.string(cursor, start, n)
      return
    }
    if ((head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf) {
      this.map(cursor, cursor.mapSize(head), depth)
      return
    }
    if ((head >= 0x90 && head <= 0x9f) || head === 0xdc || head === 0xdd) {
      const n = cursor.arraySize(head)
      if (depth >= MAX_DEPTH) return void cursor.fail()
      this.byte(0x5b)
      for (let i = 0; i < n && !cursor.failed; i++) {
        if (i > 0) this.byte(0x2c)
        this.value(cursor, depth + 1)
      }
      this.byte(0x5d)
      return
    }
    if (head === 0xc0) return this.ascii('null')
    if (head === 0xc2) return this.ascii('false')
    if (head === 0xc3) return this.ascii('true')
    // 64-bit integers are left to the reference decoder (which turns them into numbers); bins and
    // extensions decode to objects this writer does not reproduce.
    if (head === 0xcf || head === 0xd3 || (head >= 0xc4 && head <= 0xc9) || (head >= 0xd4 && head <= 0xd8)) {
      return void cursor.fail()
    }
    const number = cursor.number(head)
    if (cursor.failed) return
    if (head !== 0xca && head !== 0xcb && Number.isNaN(number)) return void cursor.fail()
    // JSON.stringify writes non-finite numbers as null, and -0 as 0 (as String does).
    this.ascii(Number.isFinite(number) ? String(number) : 'null')
  }

  /** Transcodes the `n` entries of a map whose header the cursor has just read. */
  map(cursor: MsgpackCursor, n: number, depth: number): void {
    if (depth >= MAX_DEPTH) return void cursor.fail()
    const scope = this.openKeys()
    this.byte(0x7b)
    for (let i = 0; i < n && !cursor.failed; i++) {
      if (i > 0) this.byte(0x2c)
      const size = cursor.strSize(cursor.head())
      if (size < 0) break
      const start = cursor.pos
      cursor.pos += size
      this.key(cursor, scope, start, size)
      this.byte(0x3a)
      this.value(cursor, depth + 1)
    }
    this.byte(0x7d)
    this.closeKeys(scope)
  }
}
