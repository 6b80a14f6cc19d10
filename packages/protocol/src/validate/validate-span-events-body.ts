import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import type { SpanEvent } from '../span-event.js'
import { describeType, isRecord } from './shape.js'
import { validateSpanEvent } from './validate-span-event.js'

/**
 * Validates the body of a span-events request (`/api/v2/llmobs`, protocol §2): a JSON array of
 * envelopes `{event_type: "span", spans: [...]}`, or one envelope on its own (some tracers send that).
 * All or nothing: the first invalid span makes the whole body invalid, so a request is either stored
 * completely or not at all. Error paths read `[0].spans[1].trace_id` for an array body and
 * `spans[1].trace_id` for a single envelope.
 *
 * @example
 * const result = validateSpanEventsBody(JSON.parse(text))
 * if (result.ok) store(result.value) // SpanEvent[]
 */
export function validateSpanEventsBody(body: unknown): DecodeResult<SpanEvent[]> {
  const isArray = Array.isArray(body)
  const envelopes: unknown[] = isArray ? body : [body]
  const events: SpanEvent[] = []
  for (let i = 0; i < envelopes.length; i++) {
    const envelope = envelopes[i]
    const path = isArray ? `[${i}]` : ''
    const where = isArray ? path : 'body'
    if (!isRecord(envelope)) {
      return decodeFail(
        `${where} must be an envelope object with a "spans" array, got ${describeType(envelope)}`,
      )
    }
    if (envelope.event_type !== undefined && envelope.event_type !== 'span') {
      return decodeFail(`${path === '' ? '' : path + '.'}event_type must be "span"`)
    }
    const spans = envelope.spans
    if (!Array.isArray(spans)) return decodeFail(`${where} must have a "spans" array`)
    const prefix = path === '' ? 'spans' : `${path}.spans`
    for (let j = 0; j < spans.length; j++) {
      const result = validateSpanEvent(spans[j], `${prefix}[${j}]`)
      if (!result.ok) return result
      events.push(result.value)
    }
  }
  return decodeOk(events)
}
