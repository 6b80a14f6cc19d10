/** The two streams a spool file carries, named as the exporter names them. */
export type SpoolStream = 'spans' | 'evaluations'

/** One request body as it was (or would have been) sent, with the number of items inside. */
export interface SpoolFrame {
  readonly stream: SpoolStream
  readonly count: number
  readonly body: Buffer
}

const MAGIC = 'llmobs-spool 1\n'

/** Bytes a spool file spends on its first line. */
export const SPOOL_FILE_OVERHEAD = Buffer.byteLength(MAGIC)

/**
 * Bytes one frame's header line takes at most (`{"stream":"evaluations","count":N,"bytes":N}` with
 * ten-digit numbers, and the newline after the body), so a budget can be kept before the exact header
 * is written.
 */
export const FRAME_OVERHEAD_MAX = 96

/**
 * A spool file: a version line, then per frame a JSON header line with its stream, item count and body
 * length, the body's bytes exactly as they go on the wire, and a newline. Bodies stay opaque bytes, so
 * the next process sends them as they are (no parse, no re-encoding); the length prefix, not a
 * delimiter, finds where each ends.
 *
 * @example
 * const bytes = encodeSpoolFile([{ stream: 'evaluations', count: 1, body: Buffer.from('{"data":{}}') }])
 * decodeSpoolFile(bytes) // { ok: true, frames: [{ stream: 'evaluations', count: 1, body: <Buffer ...> }] }
 */
export function encodeSpoolFile(frames: readonly SpoolFrame[]): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC)]
  for (const frame of frames) {
    const header = { stream: frame.stream, count: frame.count, bytes: frame.body.length }
    parts.push(Buffer.from(`${JSON.stringify(header)}\n`), frame.body, NEWLINE)
  }
  return Buffer.concat(parts)
}

/** The bytes a frame takes in a spool file, at most. */
export function frameSize(bodyBytes: number): number {
  return bodyBytes + FRAME_OVERHEAD_MAX
}

export type DecodedSpoolFile =
  { readonly ok: true; readonly frames: SpoolFrame[] } | { readonly ok: false; readonly reason: string }

/** Reads a spool file; anything that is not exactly what `encodeSpoolFile` writes is a reason, not a throw. */
export function decodeSpoolFile(bytes: Buffer): DecodedSpoolFile {
  if (bytes.length < SPOOL_FILE_OVERHEAD || bytes.toString('latin1', 0, SPOOL_FILE_OVERHEAD) !== MAGIC) {
    return { ok: false, reason: 'it does not start with the llmobs spool header' }
  }
  const frames: SpoolFrame[] = []
  let at = SPOOL_FILE_OVERHEAD
  while (at < bytes.length) {
    const end = bytes.indexOf(NEWLINE_BYTE, at)
    if (end < 0 || end - at > FRAME_OVERHEAD_MAX)
      return { ok: false, reason: `frame ${frames.length + 1} has no header` }
    const header = parseHeader(bytes.toString('utf8', at, end))
    if (header === undefined) return { ok: false, reason: `frame ${frames.length + 1} has an invalid header` }
    const start = end + 1
    const stop = start + header.bytes
    if (stop + 1 > bytes.length || bytes[stop] !== NEWLINE_BYTE) {
      return { ok: false, reason: `frame ${frames.length + 1} is cut short` }
    }
    frames.push({ stream: header.stream, count: header.count, body: bytes.subarray(start, stop) })
    at = stop + 1
  }
  return { ok: true, frames }
}

const NEWLINE = Buffer.from('\n')
const NEWLINE_BYTE = 0x0a

function parseHeader(line: string): { stream: SpoolStream; count: number; bytes: number } | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { stream, count, bytes } = value as Record<string, unknown>
  if (stream !== 'spans' && stream !== 'evaluations') return undefined
  if (!isCount(count) || count === 0 || !isCount(bytes)) return undefined
  return { stream, count, bytes }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
