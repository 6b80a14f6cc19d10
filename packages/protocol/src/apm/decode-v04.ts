import { Decoder } from '@msgpack/msgpack'
import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { describeType } from '../validate/shape.js'
import type { DecodedApmSpan, DecodedApmTraces } from './decoded-apm-span.js'
import { boundedDecoderOptions } from './msgpack-limits.js'
import { readApmSpan } from './read-apm-span.js'

/**
 * Decodes a `/v0.4/traces` body (protocol §4): a msgpack array of traces, each an array of span maps.
 * Never throws: bad msgpack or a wrong shape comes back as an error naming the place, e.g.
 * `traces[0][2].span_id must be an unsigned 64-bit integer`. `meta_struct` values are decoded too.
 *
 * @example
 * const result = decodeV04Traces(body)
 * if (result.ok) for (const chunk of result.value) for (const span of chunk) console.log(span.name)
 */
export function decodeV04Traces(bytes: Uint8Array): DecodeResult<DecodedApmTraces> {
  const decoder = new Decoder(boundedDecoderOptions(bytes.byteLength))
  let decoded: unknown
  try {
    decoded = decoder.decode(bytes)
  } catch (error) {
    return decodeFail(`body is not valid msgpack: ${(error as Error).message}`)
  }
  if (!Array.isArray(decoded))
    return decodeFail(`traces must be an array of traces, got ${describeType(decoded)}`)
  const traces: DecodedApmTraces = []
  for (let i = 0; i < decoded.length; i++) {
    const chunk: unknown = decoded[i]
    if (!Array.isArray(chunk))
      return decodeFail(`traces[${i}] must be an array of spans, got ${describeType(chunk)}`)
    const spans: DecodedApmSpan[] = []
    for (let j = 0; j < chunk.length; j++) {
      const span = readApmSpan(chunk[j], `traces[${i}][${j}]`, decoder)
      if (!span.ok) return span
      spans.push(span.value)
    }
    traces.push(spans)
  }
  return decodeOk(traces)
}
