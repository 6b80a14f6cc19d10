/** `\u00XX` escapes of the control characters JSON.stringify writes in hex (lowercase, as it does). */
const HEX = '0123456789abcdef'

/**
 * Writes JSON.stringify's escape of the ASCII character `c` (`"`, `\`, a control character) into
 * `out` at `pos`; returns the position after it.
 *
 * @example
 * escape(out, 0, 0x0a) // writes `\n`, returns 2
 */
export function escape(out: Buffer, pos: number, c: number): number {
  out[pos++] = 0x5c
  if (c === 0x22 || c === 0x5c) out[pos++] = c
  else if (c === 0x08) out[pos++] = 0x62
  else if (c === 0x09) out[pos++] = 0x74
  else if (c === 0x0a) out[pos++] = 0x6e
  else if (c === 0x0c) out[pos++] = 0x66
  else if (c === 0x0d) out[pos++] = 0x72
  else {
    out[pos++] = 0x75
    out[pos++] = 0x30
    out[pos++] = 0x30
    out[pos++] = HEX.charCodeAt(c >> 4)
    out[pos++] = HEX.charCodeAt(c & 15)
  }
  return pos
}
