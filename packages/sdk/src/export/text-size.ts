/** An encoded item's size, whole or in pieces: UTF-16 units (a lower bound of bytes, a third of the most). */
export function textLength(text: string | readonly string[]): number {
  if (typeof text === 'string') return text.length
  let total = 0
  for (const piece of text) total += piece.length
  return total
}

/** An encoded item's exact UTF-8 size, whole or in pieces. */
export function textBytes(text: string | readonly string[]): number {
  if (typeof text === 'string') return Buffer.byteLength(text)
  let total = 0
  for (const piece of text) total += Buffer.byteLength(piece)
  return total
}
