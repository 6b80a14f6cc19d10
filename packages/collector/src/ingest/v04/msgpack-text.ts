import { isUtf8 } from 'node:buffer'
import { latin1Slice, utf8Slice } from './string-slices.js'

/** ASCII strings up to this many bytes are interned in {@link TEXT_CACHE}. */
const MAX_CACHED_LENGTH = 40
/**
 * Short strings seen recently, by hash of their bytes (direct-mapped, so bounded): span after span
 * repeats the same keys, tag values, names and trace ids, and a hit costs no allocation at all.
 */
const TEXT_CACHE: Array<string | undefined> = new Array<string | undefined>(4096).fill(undefined)

/**
 * The text of the `n` msgpack str bytes at `start`, exactly as `@msgpack/msgpack` decodes them, or
 * `undefined` where that is not sure: invalid UTF-8 (decoders disagree on replacement) and a leading
 * BOM (its TextDecoder path drops one from strings over 200 bytes). Short ASCII strings come from
 * {@link TEXT_CACHE}.
 *
 * @example
 * msgpackText(Buffer.from('hi'), 0, 2) // 'hi'
 */
export function msgpackText(bytes: Buffer, start: number, n: number): string | undefined {
  const end = start + n
  if (n <= MAX_CACHED_LENGTH) {
    let hash = 0x811c9dc5 | 0
    let i = start
    for (; i < end; i++) {
      const c = bytes[i] as number
      if (c >= 0x80) break
      hash = Math.imul(hash ^ c, 0x01000193)
    }
    if (i === end) {
      const slot = hash & (TEXT_CACHE.length - 1)
      const cached = TEXT_CACHE[slot]
      if (cached !== undefined && cached.length === n && sameAscii(cached, bytes, start)) return cached
      const text = latin1Slice(bytes, start, end)
      TEXT_CACHE[slot] = text
      return text
    }
  }
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) < 0x80) continue
    const bom = bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf
    if (bom || !isUtf8(bytes.subarray(start, end))) return undefined
    return utf8Slice(bytes, start, end)
  }
  return latin1Slice(bytes, start, end)
}

function sameAscii(text: string, bytes: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false
  return true
}
