/**
 * What the fault proxy does to each request of the exactly-once proof, drawn from a seeded random.
 *
 * A request is told from its retries by its body (the SDK resends the same bytes), so the plan can
 * promise what it promises:
 * - LLM Observability span events (EVP): transient faults only. Each of the first
 *   `faultyAttempts` attempts of a body fails with probability `faultRate` (500, 503, 429 with
 *   `Retry-After: 1`, a stall past the SDK's request timeout, a dropped connection, or forwarded with
 *   its answer dropped); later attempts are forwarded. Within the SDK's 5 attempts every event gets
 *   through, so nothing may be missing and `spans.sent` must count every span.
 * - APM traces (`/v0.4/traces`): the same transient faults, and some bodies doomed for good, so the
 *   SDK's rescue through EVP runs: refused (400, final at once), 503 on every attempt (final after the
 *   retries), or forwarded with the answer dropped on every attempt (stored 5 times, then rescued: the
 *   collector must absorb every copy).
 * - Anything else (`/info`) is forwarded.
 *
 * `calm` forwards everything while set (around a collector crash, so that the retries the crash
 * costs are not spent by planned faults too).
 */
import { createHash } from 'node:crypto'
import type { Fault } from '../../helpers/fault-proxy.js'
import { FORWARD } from '../../helpers/fault-proxy.js'
import type { SeededRandom } from './seeded-random.js'

export type Channel = 'traces' | 'evp' | 'other'

export function channelOf(url: string): Channel {
  if (url.startsWith('/v0.4/traces')) return 'traces'
  if (url.startsWith('/evp_proxy/')) return 'evp'
  return 'other'
}

/** What happens to every attempt of one APM body. */
type Fate = 'refused' | 'doomed' | 'unheard' | 'transient'

const TRANSIENT_FAULTS: readonly Fault[] = [
  { kind: 'answer', status: 500 },
  { kind: 'answer', status: 503 },
  { kind: 'answer', status: 429, headers: { 'retry-after': '1' } },
  { kind: 'stall' },
  { kind: 'drop' },
  { kind: 'forward-drop-answer' },
]

/** The fates of the first APM bodies, whatever the draws. */
const FORCED_FATES: readonly Fate[] = ['transient', 'refused', 'transient', 'doomed', 'transient', 'unheard']

export interface FaultPlanOptions {
  /** Probability that one of the first `faultyAttempts` attempts of a body is faulted. */
  readonly faultRate: number
  readonly faultyAttempts: number
  /** Shares of APM bodies that fail for good, by how. */
  readonly apmFates: Readonly<Record<Exclude<Fate, 'transient'>, number>>
}

export const DEFAULT_FAULT_PLAN: FaultPlanOptions = {
  faultRate: 0.25,
  faultyAttempts: 3,
  apmFates: { refused: 0.05, doomed: 0.05, unheard: 0.05 },
}

/** Faults applied, by channel and by what was done (`answer 503`, `stall`, ...). */
export type FaultCounts = Record<Channel, Record<string, number>>

export class FaultPlan {
  readonly #random: SeededRandom
  readonly #options: FaultPlanOptions
  /** Attempts seen per body (by hash), and the fate of each APM body. */
  readonly #attempts = new Map<string, number>()
  readonly #fates = new Map<string, Fate>()
  readonly #channels = new Map<string, Channel>()
  readonly counts: FaultCounts = { traces: {}, evp: {}, other: {} }
  /** APM bodies doomed, by fate (each is one request the SDK must rescue). */
  readonly doomedBodies: Record<Exclude<Fate, 'transient'>, number> = { refused: 0, doomed: 0, unheard: 0 }
  calm = false
  /** Retries that came sooner after a `429` with `Retry-After: 1` than the header allows (ms waited). */
  readonly earlyAfter429: number[] = []
  /** When each body was last answered 429 by the plan. */
  readonly #last429 = new Map<string, number>()
  #apmBodies = 0

  constructor(random: SeededRandom, options: FaultPlanOptions = DEFAULT_FAULT_PLAN) {
    this.#random = random
    this.#options = options
  }

  readonly decide = (request: { method: string; url: string; body: Buffer }): Fault => {
    const channel = channelOf(request.url)
    const fault = this.#choose(channel, request)
    const name = fault.kind === 'answer' ? `answer ${fault.status}` : fault.kind
    this.counts[channel][name] = (this.counts[channel][name] ?? 0) + 1
    return fault
  }

  #choose(channel: Channel, request: { url: string; body: Buffer }): Fault {
    if (channel === 'other') return FORWARD
    const key = createHash('sha1').update(request.url).update(request.body).digest('hex')
    const attempt = (this.#attempts.get(key) ?? 0) + 1
    this.#attempts.set(key, attempt)
    this.#channels.set(key, channel)
    const after429 = this.#last429.get(key)
    // A little under 1 s: the proxy stamps its answer a moment before the SDK reads it.
    if (after429 !== undefined && Date.now() - after429 < 950) this.earlyAfter429.push(Date.now() - after429)
    this.#last429.delete(key)
    // Drawn on first sight even when calm, so the random sequence does not depend on when calm was.
    let fate = this.#fates.get(key)
    if (fate === undefined) {
      fate = channel === 'traces' ? this.#drawFate(this.#apmBodies++) : 'transient'
      this.#fates.set(key, fate)
      if (fate !== 'transient') this.doomedBodies[fate]++
    }
    const draw = this.#random.next()
    const transient = this.#random.pick(TRANSIENT_FAULTS)
    if (this.calm) return FORWARD
    if (fate === 'refused') return { kind: 'answer', status: 400 }
    if (fate === 'doomed') return { kind: 'answer', status: 503 }
    if (fate === 'unheard') return { kind: 'forward-drop-answer' }
    if (attempt > this.#options.faultyAttempts || draw >= this.#options.faultRate) return FORWARD
    if (transient.kind === 'answer' && transient.status === 429) this.#last429.set(key, Date.now())
    return transient
  }

  /** Requests the proxy saw again (same body): the retries, per channel. */
  retries(): Record<Channel, number> {
    const out: Record<Channel, number> = { traces: 0, evp: 0, other: 0 }
    for (const [key, attempts] of this.#attempts) out[this.#channels.get(key) ?? 'other'] += attempts - 1
    return out
  }

  /** Distinct request bodies seen, per channel. */
  bodies(): Record<Channel, number> {
    const out: Record<Channel, number> = { traces: 0, evp: 0, other: 0 }
    for (const channel of this.#channels.values()) out[channel]++
    return out
  }

  #drawFate(ordinal: number): Fate {
    const { refused, doomed, unheard } = this.#options.apmFates
    const x = this.#random.next()
    // Requests are few and large (the APM writer batches what waits while its requests are in
    // flight), so the first few are doomed on purpose: every run rescues in each way at least once.
    const forced = FORCED_FATES[ordinal]
    if (forced !== undefined) return forced
    if (x < refused) return 'refused'
    if (x < refused + doomed) return 'doomed'
    if (x < refused + doomed + unheard) return 'unheard'
    return 'transient'
  }
}
