/** How many open spans are remembered by id and name; past it they are only counted. */
const MAX_TRACKED = 10_000

/**
 * The spans started and not yet ended, so flush, shutdown and exit can say how many are still open
 * and name a few (a span never ended, or a child still running when its parent ended, is otherwise
 * lost without a word). Holds ids and names only, never the span itself, so a leaked span is not
 * kept alive by this index.
 */
export class OpenSpans {
  readonly #names = new Map<string, string>()
  #untracked = 0

  get count(): number {
    return this.#names.size + this.#untracked
  }

  started(spanId: string, name: string): void {
    if (this.#names.size < MAX_TRACKED) this.#names.set(spanId, name)
    else this.#untracked++
  }

  ended(spanId: string): void {
    if (!this.#names.delete(spanId) && this.#untracked > 0) this.#untracked--
  }

  /** e.g. `2 span(s) still open ('fetch', 'judge')`, or undefined when none is. */
  describe(sampleSize = 5): string | undefined {
    const count = this.count
    if (count === 0) return undefined
    const names: string[] = []
    for (const name of this.#names.values()) {
      if (names.length === sampleSize) break
      names.push(`'${name}'`)
    }
    const more = count > names.length ? `, ${count - names.length} more` : ''
    return `${count} span(s) still open (${names.join(', ')}${more})`
  }
}
