/**
 * An independent reading of what reached the collector: every request the fault proxy forwarded is
 * decoded here (msgpack and JSON, not with the code under test) and each LLMObs span's copies are
 * counted by channel. The collector de-duplicates; this ledger shows how many copies it had to absorb
 * and by which channel each span's data travelled.
 */
import { decode } from '@msgpack/msgpack'
import type { ForwardedExchange } from '../../helpers/fault-proxy.js'
import { channelOf } from './fault-plan.js'

export interface SpanCopies {
  /** Copies carried in `meta_struct._llmobs` of an APM span the collector acknowledged. */
  apm: number
  /** Its APM span acknowledged without LLM data (`_dd.llmobs.submitted:1`: the event went through EVP). */
  apmSubmitted: number
  /** Copies in span-event requests (EVP) the collector acknowledged. */
  evp: number
  /** Copies in requests the collector died during: stored or not. */
  unknown: number
  /** Stored copies whose answer reached the SDK (the others it may believe lost). */
  heard: number
  /** `_sampling_priority_v1` of every chunk that carried its APM span (in any request, stored or not). */
  readonly priorities: Set<number>
  /** The LLMObs trace ids its copies named. */
  readonly traceIds: Set<string>
  /** How its chunk was decided, as the chunk's first span says (`_dd.p.dm`, `_dd.agent_psr`). */
  decision: ChunkDecision | undefined
}

export interface ChunkDecision {
  readonly priority: number
  readonly decisionMaker: string | undefined
  readonly agentRate: number | undefined
  /** The APM trace id's low 64 bits (what Knuth sampling hashes). */
  readonly traceIdLow: bigint
}

export interface LedgerTotals {
  /** Requests forwarded, by channel and by the collector's answer (`202`, `200`, `none`). */
  readonly requests: Record<string, Record<string, number>>
  /** The sum of `duplicates` in the collector's EVP answers. */
  evpDuplicatesAnswered: number
}

type Decoded = Record<string, unknown>

/** The sampling tags of a chunk: on its first span that has a `_sampling_priority_v1`. */
function chunkDecision(chunk: readonly Decoded[]): ChunkDecision | undefined {
  for (const span of chunk) {
    const metrics = (span.metrics ?? {}) as Record<string, unknown>
    const meta = (span.meta ?? {}) as Record<string, string>
    if (metrics._sampling_priority_v1 === undefined) continue
    return {
      priority: Number(metrics._sampling_priority_v1),
      decisionMaker: meta['_dd.p.dm'],
      agentRate: metrics['_dd.agent_psr'] === undefined ? undefined : Number(metrics['_dd.agent_psr']),
      traceIdLow: BigInt(span.trace_id as bigint | number),
    }
  }
  return undefined
}

export class WireLedger {
  readonly spans = new Map<string, SpanCopies>()
  readonly totals: LedgerTotals = { requests: {}, evpDuplicatesAnswered: 0 }
  /** Bodies that could not be decoded (a test bug or a malformed payload). */
  readonly errors: string[] = []

  /**
   * Every request the proxy received, faulted or not: what the SDK decided (the priorities its APM
   * chunks carry) shows even in a request that never reached the collector.
   */
  readonly received = (request: { url: string; body: Buffer }): void => {
    if (channelOf(request.url) !== 'traces') return
    try {
      for (const chunk of decode(request.body, { useBigInt64: true }) as Decoded[][]) {
        const decision = chunkDecision(chunk)
        if (decision === undefined) continue
        for (const span of chunk) {
          const copies = this.#entry(String(span.span_id))
          copies.priorities.add(decision.priority)
          copies.decision = decision
        }
      }
    } catch (err) {
      this.errors.push(`${request.url}: ${String(err)}`)
    }
  }

  /** Every request the proxy forwarded, once the collector answered or failed. */
  readonly observe = (exchange: ForwardedExchange): void => {
    const channel = channelOf(exchange.url)
    const answered = exchange.status === undefined ? 'none' : String(exchange.status)
    const byStatus = (this.totals.requests[channel] ??= {})
    byStatus[answered] = (byStatus[answered] ?? 0) + 1
    const stored = exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300
    const unknown = exchange.status === undefined
    if (!stored && !unknown) return
    try {
      const heard = stored && exchange.fault === 'forward'
      if (channel === 'traces') this.#traces(exchange.body, stored, heard)
      else if (channel === 'evp') this.#events(exchange, stored, heard)
    } catch (err) {
      this.errors.push(`${exchange.url}: ${String(err)}`)
    }
  }

  /** Copies of `spanId` (zeros when none arrived). */
  copies(spanId: string): SpanCopies {
    return this.spans.get(spanId) ?? this.#empty()
  }

  /** Copies stored beyond the first, all spans together: what the collector had to de-duplicate. */
  duplicates(): { apm: number; evp: number; total: number } {
    let apm = 0
    let evp = 0
    for (const c of this.spans.values()) {
      if (c.apm + c.evp <= 1) continue
      // The first copy is counted against APM when there was one: it usually came first.
      apm += Math.max(0, c.apm - 1)
      evp += c.apm > 0 ? c.evp : c.evp - 1
    }
    return { apm, evp, total: apm + evp }
  }

  #traces(body: Buffer, stored: boolean, heard: boolean): void {
    const traces = decode(body, { useBigInt64: true }) as Decoded[][]
    for (const chunk of traces) {
      for (const span of chunk) {
        const copies = this.#entry(String(span.span_id))
        const meta = (span.meta ?? {}) as Record<string, string>
        const raw = (span.meta_struct as Record<string, Uint8Array> | undefined)?._llmobs
        if (raw !== undefined && meta['_dd.llmobs.submitted'] !== '1') {
          const struct = decode(raw, { useBigInt64: true }) as Decoded
          copies.traceIds.add(String(struct.trace_id))
          if (stored) copies.apm++
          else copies.unknown++
          if (heard) copies.heard++
        } else if (span.type === 'llm' && stored) copies.apmSubmitted++
      }
    }
  }

  #events(exchange: ForwardedExchange, stored: boolean, heard: boolean): void {
    if (!exchange.url.endsWith('/api/v2/llmobs')) return
    const envelopes = JSON.parse(exchange.body.toString('utf8')) as Array<{ spans: Decoded[] }>
    for (const envelope of envelopes) {
      for (const span of envelope.spans) {
        const copies = this.#entry(String(span.span_id))
        copies.traceIds.add(String(span.trace_id))
        if (stored) copies.evp++
        else copies.unknown++
        if (heard) copies.heard++
      }
    }
    if (stored && exchange.answer !== undefined) {
      const answer = JSON.parse(exchange.answer.toString('utf8')) as { duplicates?: number }
      this.totals.evpDuplicatesAnswered += answer.duplicates ?? 0
    }
  }

  #entry(spanId: string): SpanCopies {
    let copies = this.spans.get(spanId)
    if (copies === undefined) this.spans.set(spanId, (copies = this.#empty()))
    return copies
  }

  #empty(): SpanCopies {
    return {
      apm: 0,
      apmSubmitted: 0,
      evp: 0,
      unknown: 0,
      heard: 0,
      priorities: new Set(),
      traceIds: new Set(),
      decision: undefined,
    }
  }
}
