import { validateSpanEventsBody } from '@llmobs/protocol'
import type { LlmSpanInput } from '../store/store.js'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'
import { isSampledOut, spanEventInput } from './span-event-input.js'

export interface SpanEventsBatch {
  llmSpans: LlmSpanInput[]
  /** Events dropped by LLMObs sampling (`_dd.sampling_decision: "0"`). */
  sampledOut: number
}

/** A parsed `/api/v2/llmobs` body → store rows, all or nothing. */
export function spanEventsBatch(body: unknown): Outcome<SpanEventsBatch> {
  const validated = validateSpanEventsBody(body)
  if (!validated.ok) return reject(400, validated.error)
  const llmSpans: LlmSpanInput[] = []
  let sampledOut = 0
  const events = validated.value
  for (let i = 0; i < events.length; i++) {
    const event = events[i]
    if (event === undefined) continue
    if (isSampledOut(event)) {
      sampledOut++
      continue
    }
    const input = spanEventInput(event, `span ${event.span_id}`)
    if (!input.ok) return input
    llmSpans.push(input.value)
  }
  return accept({ llmSpans, sampledOut })
}
