import { encode } from '@msgpack/msgpack'
import type { ApmSpan, ApmTraces } from '../apm.js'

/**
 * Encodes APM traces as a `/v0.5/traces` body (protocol §4): `[string_table, traces]`, each span a
 * 12-element array (service, name, resource, trace_id, span_id, parent_id, start, duration, error,
 * meta, metrics, type) whose strings are indexes into the table (index 0 is the empty string, as
 * dd-trace writes it). v0.5 has no slot for `meta_struct` or span links: a span carrying them cannot
 * go out this way, so this throws (LLM data riding APM traces always uses v0.4).
 *
 * Why partly hand-written: meta and metrics are maps with *integer* keys (string-table indexes), and
 * `@msgpack/msgpack` writes every map key as a string. So the map and array headers are written here
 * and every value (integers, floats, the string table) by the library.
 *
 * @example
 * const body = encodeV05Traces([[span]])
 * decodeV05Traces(body) // the same spans back
 */
export function encodeV05Traces(traces: ApmTraces): Uint8Array {
  const table = new StringTable()
  const parts: Uint8Array[] = []
  parts.push(header(0x90, 0xdc, 0xdd, traces.length))
  for (const chunk of traces) {
    parts.push(header(0x90, 0xdc, 0xdd, chunk.length))
    for (const span of chunk) {
      if (span.meta_struct !== undefined && Object.keys(span.meta_struct).length > 0)
        throw new Error(`span ${span.span_id} carries meta_struct, which v0.5 cannot hold: use v0.4`)
      writeSpan(span, table, parts)
    }
  }
  const strings = encode(table.strings)
  const body = new Uint8Array(1 + strings.length + parts.reduce((n, p) => n + p.length, 0))
  body[0] = 0x92 // [string_table, traces]
  body.set(strings, 1)
  let at = 1 + strings.length
  for (const part of parts) {
    body.set(part, at)
    at += part.length
  }
  return body
}

function writeSpan(span: ApmSpan, table: StringTable, out: Uint8Array[]): void {
  const value = (v: unknown): void => {
    out.push(encode(v, { useBigInt64: true }))
  }
  out.push(header(0x90, 0xdc, 0xdd, 12))
  value(table.index(span.service))
  value(table.index(span.name))
  value(table.index(span.resource))
  value(span.trace_id)
  value(span.span_id)
  value(span.parent_id)
  value(span.start)
  value(span.duration)
  value(span.error)
  const metaKeys = Object.keys(span.meta)
  out.push(header(0x80, 0xde, 0xdf, metaKeys.length))
  for (const key of metaKeys) {
    value(table.index(key))
    value(table.index(span.meta[key] as string))
  }
  const metricKeys = Object.keys(span.metrics)
  out.push(header(0x80, 0xde, 0xdf, metricKeys.length))
  for (const key of metricKeys) {
    value(table.index(key))
    value(span.metrics[key])
  }
  value(table.index(span.type ?? ''))
}

/** A msgpack array or map header: `fix` + n below 16, else the 16- or 32-bit form. */
function header(fix: number, sixteen: number, thirtyTwo: number, n: number): Uint8Array {
  if (n < 16) return Uint8Array.of(fix + n)
  if (n < 0x10000) return Uint8Array.of(sixteen, n >> 8, n & 0xff)
  return Uint8Array.of(thirtyTwo, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/** Each distinct string once, in order of first use. */
class StringTable {
  readonly strings: string[] = ['']
  readonly #indexes = new Map<string, number>([['', 0]])

  index(text: string): number {
    let at = this.#indexes.get(text)
    if (at === undefined) {
      at = this.strings.length
      this.strings.push(text)
      this.#indexes.set(text, at)
    }
    return at
  }
}
