/**
 * Page cursors: the sort key of the last row returned, `<start or last-seen ns>:<id>`, base64url.
 * Opaque to clients; a cursor that does not decode is treated as the end of the list.
 */
export interface CursorKey {
  /** Exact nanoseconds (bigint: beyond 2^53, a JS number would move the page boundary). */
  ns: bigint
  id: string
}

export function encodeCursor(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): CursorKey | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const match = /^(-?[0-9]{1,20}):(.{1,200})$/s.exec(text)
  if (match === null) return undefined
  const ns = BigInt(match[1] as string)
  if (ns < -(1n << 63n) || ns >= 1n << 63n) return undefined
  return { ns, id: match[2] as string }
}
