import { validateHeaderValue } from 'node:http'
import { describe, expect, it } from 'vitest'
import { extractHeaders, extractPropagation } from './extract.js'
import { injectHeaders } from './inject.js'
import type {
  HeaderRecord,
  LlmobsPropagation,
  PropagationContext,
  PropagationStyle,
} from './propagation-context.js'

// Seeded, so a failure names a reproducible case: `seed` is in every assertion message.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const int = (rand: Rand, n: number): number => Math.floor(rand() * n)
const pick = <T>(rand: Rand, items: readonly T[]): T => items[int(rand, items.length)] as T
const chance = (rand: Rand, p = 0.5): boolean => rand() < p
const hex = (rand: Rand, length: number): string =>
  Array.from({ length }, () => int(rand, 16).toString(16)).join('')
function u64(rand: Rand): string {
  const value = BigInt('0x' + hex(rand, 16))
  return (value === 0n ? 1n : value).toString(10)
}
function text(rand: Rand, alphabet: string, min: number, max: number): string {
  return Array.from(
    { length: min + int(rand, max - min + 1) },
    () => alphabet[int(rand, alphabet.length)],
  ).join('')
}
// Printable ASCII without ','; the W3C-safe one also avoids what tracestate cannot carry losslessly.
const TAG_CHARS = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
  .filter((c) => c !== ',')
  .join('')
const W3C_SAFE = TAG_CHARS.replace(/[;~ ]/g, '')
const HOSTILE = TAG_CHARS + ',\r\n\t\u0000\u007f\u00e9\u2603\ud83d\ude00=;~:'

function randomContext(rand: Rand, alphabet: string, maxText: number): PropagationContext {
  const ctx: PropagationContext = {
    apmTraceId: (chance(rand, 0.9) ? hex(rand, 8) + '00000000' : '0'.repeat(16)) + hex(rand, 15) + '1',
    parentSpanId: u64(rand),
    samplingPriority: pick(rand, [-1, 0, 1, 2]),
  }
  if (chance(rand)) ctx.origin = text(rand, alphabet.replace(/ /g, ''), 1, 12)
  if (chance(rand, 0.7)) ctx.decisionMaker = `-${int(rand, 12)}`
  if (chance(rand, 0.8)) {
    const llmobs: LlmobsPropagation = {
      traceId: hex(rand, 8) + '00000000' + hex(rand, 15) + '1',
      parentId: chance(rand, 0.8) ? u64(rand) : undefined,
    }
    if (chance(rand, 0.8)) llmobs.mlApp = text(rand, alphabet, 1, maxText)
    if (chance(rand)) llmobs.sessionId = text(rand, alphabet, 1, maxText)
    if (chance(rand)) llmobs.sampleRate = pick(rand, [0, 0.25, 0.5, 1, 0.123456])
    if (chance(rand)) llmobs.samplingDecision = pick(rand, [0, 1] as const)
    if (chance(rand, 0.3)) {
      llmobs.agentSpanId = u64(rand)
      if (chance(rand)) llmobs.agentName = text(rand, alphabet, 1, 20)
    }
    ctx.llmobs = llmobs
  }
  if (chance(rand, 0.3))
    ctx.propagationTags = { [`_dd.p.${text(rand, 'abcxyz_.', 1, 8)}`]: text(rand, alphabet, 1, 16) }
  if (chance(rand, 0.3)) ctx.foreignTracestate = `vendor${int(rand, 9)}=${text(rand, 'abc123', 1, 10)}`
  return ctx
}

/** What must come back: every value the headers carried (the keys that were trimmed excepted). */
function expected(
  ctx: PropagationContext,
  trimmed: readonly string[],
  style: PropagationStyle | 'both',
): PropagationContext {
  const cut = new Set(trimmed.map((key) => (style === 'tracecontext' ? key.replace(/^t\./, '_dd.p.') : key)))
  const out: PropagationContext = structuredClone(ctx)
  if (out.llmobs) {
    const l = out.llmobs
    if (cut.has('_dd.p.llmobs_ml_app')) delete l.mlApp
    if (cut.has('_dd.p.llmobs_sid')) delete l.sessionId
    if (cut.has('_dd.p.llmobs_sr')) delete l.sampleRate
    if (cut.has('_dd.p.llmobs_sd')) delete l.samplingDecision
    if (cut.has('_dd.p.llmobs_pagent_span_id')) delete l.agentSpanId
    if (cut.has('_dd.p.llmobs_pagent_name') || l.agentSpanId === undefined) delete l.agentName
  }
  if (out.propagationTags) {
    for (const key of Object.keys(out.propagationTags)) if (cut.has(key)) delete out.propagationTags[key]
    if (Object.keys(out.propagationTags).length === 0) delete out.propagationTags
  }
  if (style === 'datadog') delete out.foreignTracestate
  if (style === 'tracecontext') {
    // W3C carries no "no priority" and the dd member's `p:` is read back as the last Datadog parent.
    out.lastDatadogParentId = BigInt(ctx.parentSpanId).toString(16).padStart(16, '0')
    if (cut.has('o')) delete out.origin
  }
  return out
}

function assertWellFormed(headers: HeaderRecord, where: string): void {
  for (const [name, value] of Object.entries(headers)) {
    expect(typeof value, where).toBe('string')
    expect(() => validateHeaderValue(name, value as string), where).not.toThrow()
  }
  const tags = headers['x-datadog-tags']
  if (typeof tags === 'string') expect(tags.length, where).toBeLessThanOrEqual(512)
  const state = headers.tracestate
  if (typeof state === 'string') {
    expect(state.split(',').length, where).toBeLessThanOrEqual(32)
    for (const member of state.split(',')) {
      expect(member, where).toMatch(
        /^[a-z0-9][a-z0-9_\-*/@]*=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/,
      )
    }
  }
  if (typeof headers.traceparent === 'string')
    expect(headers.traceparent, where).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
}

describe('inject → extract round trip (seeded)', () => {
  const styles: Array<{
    name: PropagationStyle | 'both'
    styles: PropagationStyle[]
    alphabet: string
    maxText: number
  }> = [
    { name: 'both', styles: ['datadog', 'tracecontext'], alphabet: TAG_CHARS, maxText: 200 },
    { name: 'datadog', styles: ['datadog'], alphabet: TAG_CHARS, maxText: 200 },
    { name: 'tracecontext', styles: ['tracecontext'], alphabet: W3C_SAFE, maxText: 80 },
  ]
  for (const style of styles) {
    it(`${style.name}: every carried value comes back (1000 contexts)`, () => {
      for (let seed = 1; seed <= 1000; seed++) {
        const rand = mulberry32(seed)
        const ctx = randomContext(rand, style.alphabet, style.maxText)
        const headers: HeaderRecord = {}
        const result = injectHeaders(headers, ctx, { styles: style.styles })
        const where = `${style.name} seed ${seed}`
        expect(result.problems, where).toEqual([])
        assertWellFormed(headers, where)
        const { context, problems } = extractPropagation(headers)
        expect(problems, where).toEqual([])
        expect(context, where).toEqual(expected(ctx, result.trimmed, style.name))
        // The ids that must survive any budget.
        if (ctx.llmobs) expect(context?.llmobs?.traceId, where).toBe(ctx.llmobs.traceId)
      }
    })
  }

  it('the same headers read the same under any name case, as arrays and as a fetch Headers', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = mulberry32(seed)
      const headers: HeaderRecord = {}
      injectHeaders(headers, randomContext(rand, W3C_SAFE, 60))
      const reference = extractHeaders(headers)
      const shuffled: HeaderRecord = {}
      for (const [name, value] of Object.entries(headers)) {
        const cased = [...name].map((c) => (chance(rand) ? c.toUpperCase() : c)).join('')
        shuffled[cased] = chance(rand) && typeof value === 'string' ? [value] : value
      }
      expect(extractHeaders(shuffled), `seed ${seed}`).toEqual(reference)
      expect(extractHeaders(new Headers(headers as Record<string, string>)), `seed ${seed}`).toEqual(
        reference,
      )
    }
  })
})

describe('hostile input (seeded)', () => {
  it('inject never throws and never writes a malformed or over-budget header', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const rand = mulberry32(seed)
      const ctx = randomContext(rand, HOSTILE, 600)
      if (chance(rand, 0.2)) ctx.apmTraceId = text(rand, HOSTILE + '0123456789abcdef', 0, 40)
      if (chance(rand, 0.2)) ctx.parentSpanId = text(rand, HOSTILE + '0123456789', 0, 25)
      if (chance(rand, 0.2)) ctx.origin = text(rand, HOSTILE, 0, 300)
      if (chance(rand, 0.2)) ctx.decisionMaker = text(rand, HOSTILE, 0, 100)
      if (chance(rand, 0.2)) ctx.foreignTracestate = text(rand, HOSTILE, 0, 600)
      if (chance(rand, 0.2)) ctx.samplingPriority = pick(rand, [Number.NaN, Infinity, 1.5, -0, 2 ** 60])
      if (ctx.llmobs && chance(rand, 0.3)) {
        ctx.llmobs.traceId = text(rand, HOSTILE + '0123456789', 0, 45)
        ctx.llmobs.parentId = text(rand, HOSTILE + '0123456789', 0, 25)
        ctx.llmobs.sampleRate = pick(rand, [Number.NaN, -1, 2, 0.5])
      }
      const headers: HeaderRecord = {}
      expect(() => injectHeaders(headers, ctx), `seed ${seed}`).not.toThrow()
      assertWellFormed(headers, `seed ${seed}`)
    }
  })

  it('extract never throws on random headers, and what it returns injects cleanly', () => {
    const names = [
      'x-datadog-trace-id',
      'x-datadog-parent-id',
      'x-datadog-sampling-priority',
      'x-datadog-origin',
      'x-datadog-tags',
      'traceparent',
      'tracestate',
    ]
    const fragments = [
      '_dd.p.tid=6b03fc1900000000',
      '_dd.p.llmobs_trace_id=',
      '_dd.p.llmobs_parent_id=',
      'dd=s:1;t.llmobs_trace_id:',
      '00-6b03fc19000000007953b531107242bf-',
      '-01',
      '8742530523990213311',
      'undefined',
      ',',
      '=',
      ';',
      ':',
      '~',
    ]
    for (let seed = 1; seed <= 2000; seed++) {
      const rand = mulberry32(seed)
      const headers: Record<string, string | string[]> = {}
      for (const name of names) {
        if (!chance(rand, 0.6)) continue
        const value = Array.from({ length: 1 + int(rand, 4) }, () =>
          chance(rand) ? pick(rand, fragments) : text(rand, HOSTILE + '0123456789abcdef', 0, 30),
        ).join('')
        headers[chance(rand) ? name.toUpperCase() : name] = chance(rand, 0.2) ? [value, value] : value
      }
      let result: ReturnType<typeof extractPropagation> | undefined
      expect(() => (result = extractPropagation(headers)), `seed ${seed}`).not.toThrow()
      const context = result?.context
      if (context === undefined) continue
      expect(context.apmTraceId, `seed ${seed}`).toMatch(/^[0-9a-f]{32}$/)
      const out: HeaderRecord = {}
      expect(() => injectHeaders(out, context), `seed ${seed}`).not.toThrow()
      assertWellFormed(out, `seed ${seed}`)
    }
  })
})
