import { describe, expect, it } from 'vitest'
import { PrioritySampler } from './priority-sampler.js'
import { resolveApmSamplingConfig, type ApmSamplingConfig } from './sampling-config.js'
import type { SamplingDecision } from './sampling-decision.js'
import {
  AUTO_KEEP,
  AUTO_REJECT,
  DECISION_MAKER_AGENT_RATE,
  DECISION_MAKER_DEFAULT,
  DECISION_MAKER_RULE,
  USER_KEEP,
  USER_REJECT,
} from './sampling-priority.js'

/** The Datadog formula, written out here independently of the module under test. */
function keptAt(id: bigint, rate: number): boolean {
  return (id * 1111111111111111111n) % (1n << 64n) <= BigInt(Math.floor(rate * 2 ** 64))
}

/** Many varied, repeatable 63-bit ids (xorshift64*). */
function traceIds(count: number): bigint[] {
  const out: bigint[] = []
  let x = 0x2545f4914f6cdd1dn
  for (let i = 0; i < count; i++) {
    x ^= x >> 12n
    x ^= BigInt.asUintN(64, x << 25n)
    x ^= x >> 27n
    out.push(BigInt.asUintN(63, x * 2685821657736338717n) || 1n)
  }
  return out
}

function findId(predicate: (id: bigint) => boolean): bigint {
  const id = traceIds(1000).find(predicate)
  if (id === undefined) throw new Error('no such id in the sample')
  return id
}

const NO_RULES: ApmSamplingConfig = { rules: [], sampleRate: undefined, rateLimit: 100 }

function config(partial: Partial<ApmSamplingConfig>): ApmSamplingConfig {
  return { ...NO_RULES, ...partial }
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000
  return { now: () => t, advance: (ms) => void (t += ms) }
}

describe('PrioritySampler before any agent rates', () => {
  it('keeps every trace at the default rate 1, decision maker -0, as the dd-trace capture shows', () => {
    const sampler = new PrioritySampler(NO_RULES)
    for (const id of traceIds(200)) {
      const decision = sampler.decide(id, 'demo-svc', 'dev', 'wf')
      expect(decision.priority).toBe(AUTO_KEEP)
      expect(decision.decisionMaker).toBe(DECISION_MAKER_DEFAULT)
      expect(decision.metrics).toEqual({ '_dd.agent_psr': 1 })
      expect(decision.meta).toEqual({})
    }
  })

  it('shares one frozen result instead of allocating per trace', () => {
    const sampler = new PrioritySampler(NO_RULES)
    const [a, b] = traceIds(2) as [bigint, bigint]
    const first = sampler.decide(a, 's', 'e', 'n')
    expect(sampler.decide(b, 'other', 'e', 'n')).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first.metrics)).toBe(true)
    expect(Object.isFrozen(first.meta)).toBe(true)
  })
})

describe('PrioritySampler with agent rates', () => {
  it('samples by the rate for service:<s>,env:<e>, deterministically from the trace id', () => {
    const sampler = new PrioritySampler(NO_RULES)
    expect(sampler.updateAgentRates({ rate_by_service: { 'service:checkout,env:prod': 0.5 } })).toBe(true)
    let kept = 0
    const ids = traceIds(2000)
    for (const id of ids) {
      const decision = sampler.decide(id, 'checkout', 'prod', 'llm')
      expect(decision.priority).toBe(keptAt(id, 0.5) ? AUTO_KEEP : AUTO_REJECT)
      expect(decision.decisionMaker).toBe(DECISION_MAKER_AGENT_RATE)
      expect(decision.metrics).toEqual({ '_dd.agent_psr': 0.5 })
      expect(decision.meta).toEqual({ '_dd.p.ksr': '0.5' })
      if (decision.priority === AUTO_KEEP) kept++
      // The same trace id gets the same answer every time.
      expect(sampler.decide(id, 'checkout', 'prod', 'llm')).toBe(decision)
    }
    expect(kept / ids.length).toBeGreaterThan(0.45)
    expect(kept / ids.length).toBeLessThan(0.55)
  })

  it('falls back to the agent catch-all service:,env: for other services and envs', () => {
    const sampler = new PrioritySampler(NO_RULES)
    sampler.updateAgentRates({ rate_by_service: { 'service:checkout,env:prod': 1, 'service:,env:': 0.2 } })
    const dropped = findId((id) => !keptAt(id, 0.2))
    expect(sampler.decide(dropped, 'checkout', 'prod', 'n').priority).toBe(AUTO_KEEP)
    const other = sampler.decide(dropped, 'billing', 'prod', 'n')
    expect(other.priority).toBe(AUTO_REJECT)
    expect(other.metrics).toEqual({ '_dd.agent_psr': 0.2 })
    expect(sampler.decide(dropped, 'checkout', 'staging', 'n').priority).toBe(AUTO_REJECT)
  })

  it('uses the default -0 decision when the agent sent no rate for the trace and no catch-all', () => {
    const sampler = new PrioritySampler(NO_RULES)
    sampler.updateAgentRates({ rate_by_service: { 'service:checkout,env:prod': 0 } })
    const decision = sampler.decide(1n, 'billing', 'prod', 'n')
    expect(decision.priority).toBe(AUTO_KEEP)
    expect(decision.decisionMaker).toBe(DECISION_MAKER_DEFAULT)
  })

  it('treats an agent rate of 1 or 0 as an agent decision, kept or dropped whatever the id', () => {
    const sampler = new PrioritySampler(NO_RULES)
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:': 1, 'service:b,env:': 0 } })
    for (const id of traceIds(100)) {
      const keep = sampler.decide(id, 'a', '', 'n')
      expect([keep.priority, keep.decisionMaker, keep.meta['_dd.p.ksr']]).toEqual([AUTO_KEEP, '-1', '1'])
      const drop = sampler.decide(id, 'b', '', 'n')
      expect([drop.priority, drop.decisionMaker, drop.meta['_dd.p.ksr']]).toEqual([AUTO_REJECT, '-1', '0'])
    }
  })

  it('takes each new answer in full: changed rates apply at once, missing ones are gone', () => {
    const sampler = new PrioritySampler(NO_RULES)
    const id = findId((i) => keptAt(i, 0.6) && !keptAt(i, 0.3))
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0.6 } })
    expect(sampler.decide(id, 'a', 'e', 'n').priority).toBe(AUTO_KEEP)
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0.3 } })
    expect(sampler.decide(id, 'a', 'e', 'n').priority).toBe(AUTO_REJECT)
    sampler.updateAgentRates({ rate_by_service: {} })
    expect(sampler.decide(id, 'a', 'e', 'n').decisionMaker).toBe(DECISION_MAKER_DEFAULT)
  })

  it('keeps the rates in use when the answer has no rate_by_service object, and never throws', () => {
    const sampler = new PrioritySampler(NO_RULES)
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0 } })
    for (const body of [
      undefined,
      null,
      'OK',
      42,
      [],
      {},
      { rate_by_service: null },
      { rate_by_service: [0.5] },
    ]) {
      expect(sampler.updateAgentRates(body)).toBe(false)
    }
    expect(sampler.decide(1n, 'a', 'e', 'n').priority).toBe(AUTO_REJECT)
  })

  it('skips bad entries and keeps the good ones of the same answer', () => {
    const sampler = new PrioritySampler(NO_RULES)
    const answer = JSON.parse(
      '{"rate_by_service":{"service:a,env:e":"0.5","service:b,env:e":1.5,"service:c,env:e":-1,' +
        '"service:d,env:e":null,"junk":0,"service:ok,env:e":0}}',
    ) as unknown
    expect(sampler.updateAgentRates(answer)).toBe(true)
    for (const service of ['a', 'b', 'c', 'd']) {
      expect(sampler.decide(1n, service, 'e', 'n').decisionMaker).toBe(DECISION_MAKER_DEFAULT)
    }
    expect(sampler.decide(1n, 'ok', 'e', 'n').priority).toBe(AUTO_REJECT)
  })

  it('reuses the decisions of a rate the agent repeats in its next answer', () => {
    const sampler = new PrioritySampler(NO_RULES)
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0.5 } })
    const id = findId((i) => keptAt(i, 0.5))
    const before = sampler.decide(id, 'a', 'e', 'n')
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0.5, 'service:b,env:e': 1 } })
    expect(sampler.decide(id, 'a', 'e', 'n')).toBe(before)
  })

  it('keeps at most 1,000 rates of a huge answer, and still its catch-all', () => {
    const sampler = new PrioritySampler(NO_RULES)
    const rates: Record<string, number> = {}
    for (let i = 0; i < 5000; i++) rates[`service:s${i},env:e`] = 0
    rates['service:,env:'] = 1
    sampler.updateAgentRates({ rate_by_service: rates })
    expect(sampler.decide(1n, 's0', 'e', 'n').priority).toBe(AUTO_REJECT)
    expect(sampler.decide(1n, 's999', 'e', 'n').priority).toBe(AUTO_REJECT)
    // Past the bound: the catch-all (rate 1) decides.
    expect(sampler.decide(1n, 's1000', 'e', 'n').priority).toBe(AUTO_KEEP)
    expect(sampler.decide(1n, 's4999', 'e', 'n').metrics).toEqual({ '_dd.agent_psr': 1 })
  })
})

describe('PrioritySampler with rules', () => {
  it('lets the first matching rule decide, with USER_KEEP / USER_REJECT and decision maker -3', () => {
    const sampler = new PrioritySampler(
      config({
        rules: [
          { service: 'checkout', name: 'llm.*', sampleRate: 0 },
          { service: 'check*', sampleRate: 1 },
        ],
      }),
    )
    const dropped = sampler.decide(5n, 'checkout', 'prod', 'llm.request')
    expect(dropped).toEqual({
      priority: USER_REJECT,
      decisionMaker: DECISION_MAKER_RULE,
      metrics: { '_dd.rule_psr': 0 },
      meta: { '_dd.p.ksr': '0' },
    } satisfies SamplingDecision)
    const kept = sampler.decide(5n, 'checkout', 'prod', 'workflow')
    expect(kept).toEqual({
      priority: USER_KEEP,
      decisionMaker: DECISION_MAKER_RULE,
      metrics: { '_dd.rule_psr': 1, '_dd.limit_psr': 1 },
      meta: { '_dd.p.ksr': '1' },
    } satisfies SamplingDecision)
  })

  it('matches service and name patterns ignoring case, with * and ?', () => {
    const sampler = new PrioritySampler(
      config({ rules: [{ service: 'Web-?', name: '*.CHAT', sampleRate: 0 }] }),
    )
    expect(sampler.decide(1n, 'web-1', 'e', 'openai.chat').priority).toBe(USER_REJECT)
    expect(sampler.decide(1n, 'WEB-2', 'e', 'Anthropic.Chat').priority).toBe(USER_REJECT)
    expect(sampler.decide(1n, 'web-10', 'e', 'openai.chat').priority).toBe(AUTO_KEEP)
    expect(sampler.decide(1n, 'web-1', 'e', 'openai.embed').priority).toBe(AUTO_KEEP)
  })

  it('samples deterministically at the rule rate, agreeing with the Datadog formula', () => {
    const sampler = new PrioritySampler(config({ rules: [{ sampleRate: 0.3 }], rateLimit: -1 }))
    for (const id of traceIds(2000)) {
      const decision = sampler.decide(id, 's', 'e', 'n')
      expect(decision.priority).toBe(keptAt(id, 0.3) ? USER_KEEP : USER_REJECT)
      expect(decision.metrics['_dd.rule_psr']).toBe(0.3)
      // Only a trace the rule kept asks the limiter.
      expect('_dd.limit_psr' in decision.metrics).toBe(keptAt(id, 0.3))
    }
  })

  it('puts rules before agent rates', () => {
    const sampler = new PrioritySampler(config({ rules: [{ service: 'a', sampleRate: 1 }] }))
    sampler.updateAgentRates({ rate_by_service: { 'service:a,env:e': 0, 'service:,env:': 0 } })
    expect(sampler.decide(1n, 'a', 'e', 'n').priority).toBe(USER_KEEP)
    expect(sampler.decide(1n, 'b', 'e', 'n').priority).toBe(AUTO_REJECT)
  })

  it('applies the sample rate as a catch-all rule after the user rules', () => {
    const sampler = new PrioritySampler(config({ rules: [{ service: 'a', sampleRate: 1 }], sampleRate: 0 }))
    sampler.updateAgentRates({ rate_by_service: { 'service:,env:': 1 } })
    expect(sampler.decide(1n, 'a', 'e', 'n').priority).toBe(USER_KEEP)
    const other = sampler.decide(1n, 'b', 'e', 'n')
    expect([other.priority, other.decisionMaker]).toEqual([USER_REJECT, DECISION_MAKER_RULE])
    // The catch-all has no pattern, so it matches even an empty service.
    expect(sampler.decide(1n, '', '', '').priority).toBe(USER_REJECT)
  })

  it('does not match a pattern against an empty service, except *', () => {
    const sampler = new PrioritySampler(
      config({
        rules: [
          { service: '?*', sampleRate: 0 },
          { service: '*', sampleRate: 1 },
        ],
      }),
    )
    expect(sampler.decide(1n, '', 'e', 'n').priority).toBe(USER_KEEP)
    expect(sampler.decide(1n, 'x', 'e', 'n').priority).toBe(USER_REJECT)
  })

  it('sends rule-kept traces through the rate limiter; refused ones become USER_REJECT', () => {
    const clock = manualClock()
    const sampler = new PrioritySampler(config({ rules: [{ sampleRate: 1 }], rateLimit: 10 }), clock.now)
    const decisions = traceIds(25).map((id) => sampler.decide(id, 's', 'e', 'n'))
    expect(decisions.filter((d) => d.priority === USER_KEEP)).toHaveLength(10)
    decisions.forEach((decision, i) => {
      const requested = i + 1
      const allowed = Math.min(requested, 10)
      expect(decision.priority).toBe(i < 10 ? USER_KEEP : USER_REJECT)
      expect(decision.decisionMaker).toBe(DECISION_MAKER_RULE)
      expect(decision.metrics).toEqual({ '_dd.rule_psr': 1, '_dd.limit_psr': allowed / requested })
      expect(Object.isFrozen(decision.metrics)).toBe(true)
    })
    clock.advance(1000)
    expect(sampler.decide(1n, 's', 'e', 'n').priority).toBe(USER_KEEP)
  })

  it('spends no limiter token on a trace the rule itself drops', () => {
    const clock = manualClock()
    const sampler = new PrioritySampler(
      config({ rules: [{ service: 'drop', sampleRate: 0 }, { sampleRate: 1 }], rateLimit: 2 }),
      clock.now,
    )
    for (let i = 0; i < 50; i++) sampler.decide(BigInt(i + 1), 'drop', 'e', 'n')
    expect(sampler.decide(1n, 'keep', 'e', 'n').priority).toBe(USER_KEEP)
    expect(sampler.decide(2n, 'keep', 'e', 'n').priority).toBe(USER_KEEP)
    expect(sampler.decide(3n, 'keep', 'e', 'n').priority).toBe(USER_REJECT)
  })

  it('does not limit traces that agent rates keep', () => {
    const clock = manualClock()
    const sampler = new PrioritySampler(
      config({ rules: [{ service: 'x', sampleRate: 1 }], rateLimit: 1 }),
      clock.now,
    )
    for (const id of traceIds(50)) expect(sampler.decide(id, 'other', 'e', 'n').priority).toBe(AUTO_KEEP)
  })

  it('works from a config resolved from the environment', () => {
    const config = resolveApmSamplingConfig(
      {},
      { DD_TRACE_SAMPLING_RULES: '[{"service":"web","sample_rate":0}]', DD_TRACE_SAMPLE_RATE: '1' },
    )
    const sampler = new PrioritySampler(config)
    expect(sampler.decide(9n, 'web', 'e', 'n').priority).toBe(USER_REJECT)
    expect(sampler.decide(9n, 'api', 'e', 'n').priority).toBe(USER_KEEP)
  })
})

describe('PrioritySampler given values its types rule out', () => {
  it('decides without throwing', () => {
    const sampler = new PrioritySampler(config({ rules: [{ service: 'a*', sampleRate: 0.5 }] }))
    sampler.updateAgentRates({ rate_by_service: { 'service:,env:': 0.5 } })
    const decideLoosely = sampler.decide.bind(sampler) as (...args: unknown[]) => SamplingDecision
    expect(() => decideLoosely(12, undefined, null, {})).not.toThrow()
    expect(() => decideLoosely('x', 'abc', 'e', 7)).not.toThrow()
    expect(decideLoosely(undefined, undefined, undefined, undefined).priority).toBe(AUTO_KEEP)
  })
})
