import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

type Inflate = (input: Buffer, options: { maxOutputLength: number }) => Buffer

const DECODERS: Record<string, Inflate> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
}

/**
 * The request body as plain bytes: decompressed per `Content-Encoding` (gzip, deflate, br), with the
 * decompressed size capped at `limit` so a small compressed body cannot expand without bound.
 */
export function decodeBody(
  body: unknown,
  contentEncoding: string | undefined,
  limit: number,
): Outcome<Buffer> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0)
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return accept(bytes)
  const inflate = DECODERS[encoding]
  if (inflate === undefined)
    return reject(415, `unsupported Content-Encoding "${encoding}" (use gzip, deflate or br)`)
  try {
    return accept(inflate(bytes, { maxOutputLength: limit }))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      return reject(413, `body is larger than ${limit} bytes once decompressed`)
    }
    return reject(400, `body is not valid ${encoding}: ${(error as Error).message}`)
  }
}
