/** LLMObs sampling (protocol §4): decided once by an LLMObs root, inherited by its children. */
export interface Sampling {
  readonly rate: number
  readonly decision: 0 | 1
}

const KEEP_ALL: Sampling = Object.freeze({ rate: 1, decision: 1 })
const cache = new Map<number, readonly [Sampling, Sampling]>()

/**
 * Decides for a new LLMObs trace. The client never drops on the decision; it only reports it
 * (`_dd.sampling_decision`) so the intake can. The two possible results per rate are shared frozen
 * objects: no allocation per root.
 */
export function decideSampling(rate: number): Sampling {
  if (rate >= 1) return KEEP_ALL
  let pair = cache.get(rate)
  if (pair === undefined) {
    pair = [Object.freeze({ rate, decision: 0 }), Object.freeze({ rate, decision: 1 })]
    if (cache.size < 64) cache.set(rate, pair)
  }
  return Math.random() < rate ? pair[1] : pair[0]
}

/** A sampling as it travels in events and headers: the rate and decision as strings. */
export function samplingRateText(sampling: Sampling): string {
  return String(sampling.rate)
}
