/**
 * A small seeded PRNG (mulberry32) so a run's workload and fault plan are the same every time: a
 * failure names its seed, and `LLMOBS_E2E_SEED=<n>` replays it.
 *
 * @example
 * const random = seededRandom(42)
 * random.next() // 0 <= x < 1, the same sequence for seed 42 on every run
 * random.pick(['a', 'b'])
 */
export interface SeededRandom {
  readonly seed: number
  next(): number
  /** An integer from 0 to `n - 1`. */
  below(n: number): number
  pick<T>(items: readonly T[]): T
  /** A key of `weights`, chosen with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K
  /** A random unsigned 64-bit integer, never 0. */
  uint64(): bigint
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const below = (n: number): number => Math.floor(next() * n)
  return {
    seed,
    next,
    below,
    pick: (items) => items[below(items.length)] as (typeof items)[number],
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>
      let x = next() * entries.reduce((sum, [, w]) => sum + w, 0)
      for (const [key, weight] of entries) {
        x -= weight
        if (x < 0) return key
      }
      return (entries[entries.length - 1] as [keyof typeof weights, number])[0]
    },
    uint64() {
      const value = (BigInt(below(2 ** 32)) << 32n) | BigInt(below(2 ** 32))
      return value === 0n ? 1n : value
    },
  }
}

/** The seed of this run: `LLMOBS_E2E_SEED` when set (to replay a failure), else `fallback`. */
export function runSeed(fallback: number): number {
  const given = Number(process.env.LLMOBS_E2E_SEED)
  return Number.isInteger(given) && given > 0 ? given : fallback
}
