/**
 * Recognises a fixed set of map keys straight from their msgpack bytes, without making strings:
 * `find` returns the key's index in `names`, or -1.
 *
 * @example
 * const KEYS = new KeyTable(['trace_id', 'span_id'])
 * KEYS.find(bytes, start, length) // 1 for the bytes of "span_id"
 */
export class KeyTable {
  /** Candidates by byte length: [bytes, index] pairs. */
  readonly #byLength: Array<Array<[Buffer, number]>> = []

  constructor(names: readonly string[]) {
    names.forEach((name, index) => {
      const bytes = Buffer.from(name)
      ;(this.#byLength[bytes.length] ??= []).push([bytes, index])
    })
  }

  find(bytes: Buffer, start: number, n: number): number {
    const candidates = this.#byLength[n]
    if (candidates === undefined) return -1
    outer: for (const [name, index] of candidates) {
      for (let i = 0; i < n; i++) if (bytes[start + i] !== name[i]) continue outer
      return index
    }
    return -1
  }
}
