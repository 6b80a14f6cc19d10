/**
 * The outcome of decoding or validating untrusted wire data: the value, or a message naming what is
 * wrong (e.g. `spans[0].trace_id must be a 32-hex string`). Decoders never throw on bad input.
 *
 * @example
 * const result: DecodeResult<number> = Number.isFinite(n) ? decodeOk(n) : decodeFail('n must be finite')
 * if (!result.ok) console.log(result.error)
 */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string }

export function decodeOk<T>(value: T): DecodeResult<T> {
  return { ok: true, value }
}

export function decodeFail(error: string): { ok: false; error: string } {
  return { ok: false, error }
}
