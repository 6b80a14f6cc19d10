/**
 * The verdict of the exactly-once proof: the planned spans against what the collector holds, the
 * copies the wire ledger saw, and what the SDK said it did. Returns every violation found (none is
 * the pass) and the figures worth reporting.
 */
import type { LLMObsFlushResult, LLMObsStatus } from '@llmobs/sdk'
import type { CollectorContents, StoredApmSpan } from './collector-contents.js'
import { PRIORITY_SOURCES, type PlannedTrace, type PrioritySource } from './workload.js'
import type { ChunkDecision, WireLedger } from './wire-ledger.js'

export interface SdkReport {
  /** Every flush() and shutdown() result of the run (each counts what settled since the previous). */
  readonly results: readonly LLMObsFlushResult[]
  /** status() after the last flush, before shutdown. */
  readonly status: LLMObsStatus
}

export interface Figures {
  spans: number
  stored: number
  missing: number
  /** Stored spans whose every copy arrived in a request whose answer the SDK never got. */
  storedUnheard: number
  /** Spans whose chunk never left the SDK (a full APM queue refused it: rescued, or dropped). */
  undecidedSpans: number
  sdk: { sent: number; failed: number; dropped: number }
  /** Traces whose root chunk the APM sampling kept / dropped, by priority source. */
  bySource: Record<PrioritySource, { traces: number; kept: number; dropped: number }>
  /** Kept spans whose data rode meta_struct only / came through EVP only (APM request lost) / both. */
  kept: { viaApm: number; rescuedOnly: number; both: number }
  /** Dropped spans: through EVP, with their APM span stored as submitted. */
  dropped: { viaEvp: number; apmSpanStored: number }
  /** Spans decided automatically: by the default keep (before the first agent answer) or the agent's rate. */
  autoDecisions: { default: number; agentRate: number }
  rescued: NonNullable<LLMObsStatus['apm']>['rescued'] | undefined
  apmChunks: NonNullable<LLMObsStatus['apm']>['traces']['chunks'] | undefined
  /** Retry attempts the SDK counted (span events; the APM stream does not count its own). */
  retriedEvents: number
  /** Copies the collector stored beyond the first and de-duplicated (ledger), and what EVP answers said. */
  duplicates: { apm: number; evp: number; total: number; evpAnswered: number }
}

export interface CheckOptions {
  /**
   * The run may lose spans (an outage longer than the retries): missing spans are then not a
   * violation, but the SDK must count each as failed, and may count as failed only those or spans
   * whose arrival it never heard of.
   */
  readonly allowLoss?: boolean
}

export interface Verdict {
  readonly violations: string[]
  readonly figures: Figures
}

/** At most this many examples of one kind of violation are listed. */
const EXAMPLES = 5

export function checkExactlyOnce(
  planned: readonly PlannedTrace[],
  contents: CollectorContents,
  ledger: WireLedger,
  sdk: SdkReport,
  options: CheckOptions = {},
): Verdict {
  const problems = new Map<string, string[]>()
  const fail = (kind: string, example: string): void => {
    const list = problems.get(kind) ?? []
    if (list.length < EXAMPLES) list.push(example)
    else if (list.length === EXAMPLES) list.push('...')
    problems.set(kind, list)
  }

  const stored = new Map<string, CollectorContents['llmSpans'][number][]>()
  for (const span of contents.llmSpans) {
    const list = stored.get(span.spanId) ?? []
    list.push(span)
    stored.set(span.spanId, list)
  }
  const expectedIds = new Set(planned.flatMap((t) => t.spans.map((s) => s.spanId)))
  for (const id of stored.keys()) if (!expectedIds.has(id)) fail('stored but never made', id)
  if (ledger.errors.length > 0) fail('wire ledger could not decode', ledger.errors.slice(0, 3).join('; '))

  const apmSpans = new Map<string, StoredApmSpan>()
  for (const spans of contents.apmTraces.values()) for (const span of spans) apmSpans.set(span.spanId, span)

  const bySource = Object.fromEntries(
    PRIORITY_SOURCES.map((s) => [s, { traces: 0, kept: 0, dropped: 0 }]),
  ) as Figures['bySource']
  const kept = { viaApm: 0, rescuedOnly: 0, both: 0 }
  const dropped = { viaEvp: 0, apmSpanStored: 0 }
  let missing = 0
  /** Root-chunk spans decided automatically: by the default (no agent rate yet) or the agent's rate. */
  const autoDecisions = { default: 0, agentRate: 0 }
  let storedUnheard = 0
  let keptMissing = 0
  /** Kept spans stored only from requests the collector died during (the SDK never heard). */
  let keptUnknownOnly = 0
  let droppedSpans = 0
  /** Spans whose chunk never reached the wire (refused by a full APM queue). */
  let undecidedSpans = 0

  for (const trace of planned) {
    const label = `trace #${trace.index} (${trace.source})`
    const apmTraceIds = new Set<string>()
    // Each span's priority is its chunk's: from the collector's APM span, else from the wire.
    const priorityOf = new Map<string, number | undefined>()
    for (const span of trace.spans) {
      const priorities = new Set(ledger.copies(span.spanId).priorities)
      const apm = apmSpans.get(span.spanId)
      if (apm?.samplingPriority != null) priorities.add(apm.samplingPriority)
      if (priorities.size > 1)
        fail(
          'a span sent with more than one priority',
          `${label} ${span.name}: ${[...priorities].join(', ')}`,
        )
      priorityOf.set(span.spanId, [...priorities][0])
    }
    // Spans decided together (the whole trace, or before and after a late decision) agree.
    const groups =
      trace.latePriority === undefined
        ? [trace.spans]
        : [trace.spans.filter((s) => !s.late), trace.spans.filter((s) => s.late)]
    for (const group of groups) {
      const values = new Set(group.map((s) => priorityOf.get(s.spanId)).filter((p) => p !== undefined))
      if (values.size > 1) fail('a trace with more than one priority', `${label}: ${[...values].join(', ')}`)
    }
    const rootPriority = priorityOf.get((trace.spans[0] as PlannedTrace['spans'][number]).spanId)
    if (rootPriority !== undefined) {
      bySource[trace.source].traces++
      bySource[trace.source][rootPriority > 0 ? 'kept' : 'dropped']++
    }

    for (const span of trace.spans) {
      const where = `${label} span ${span.name} (${span.spanId})`
      const priority = priorityOf.get(span.spanId)
      if (priority === undefined) {
        // None of its chunks reached the wire: only a full APM queue (which rescues them) does that.
        if (options.allowLoss !== true) fail('a span whose APM chunk was never sent', where)
        undecidedSpans++
      } else if (span.priority !== undefined) {
        // By hand late, after the root's chunk left: that chunk kept what was decided before (an
        // automatic decision, or this one when the APM pipeline was still loading at the root's end).
        const allowed =
          span.late || trace.latePriority === undefined ? [span.priority] : [0, 1, span.priority]
        if (!allowed.includes(priority))
          fail(
            'priority not the one its source set',
            `${where}: ${priority}, expected ${allowed.join(' or ')}`,
          )
      } else {
        const decision = ledger.copies(span.spanId).decision
        const expected = autoPriority(decision)
        if (expected === undefined)
          fail('auto decision unexplained', `${where}: ${JSON.stringify(decision, jsonSafe)}`)
        else if (priority !== expected)
          fail('auto priority not what the agent rate gives', `${where}: ${priority}, expected ${expected}`)
        if (decision !== undefined && !span.late)
          autoDecisions[decision.decisionMaker === '-1' ? 'agentRate' : 'default']++
      }
      const keep = priority === undefined ? undefined : priority > 0
      if (keep === false) droppedSpans++

      const copies = stored.get(span.spanId) ?? []
      const wire = ledger.copies(span.spanId)
      if (copies.length === 0) {
        const copiesSeen = `wire copies ${JSON.stringify(wire, jsonSafe)}`
        missing++
        if (keep !== false) keptMissing++
        // The collector acknowledges only what it committed: a copy it answered 2xx for must be there.
        if (wire.apm + wire.evp > 0)
          fail('acknowledged by the collector but not stored', `${where}; ${copiesSeen}`)
        else if (options.allowLoss !== true) fail('missing from the collector', `${where}; ${copiesSeen}`)
        continue
      }
      if (wire.heard === 0) storedUnheard++
      if (copies.length > 1) fail('stored more than once', `${where}: ${copies.length} times`)
      const copy = copies[0] as CollectorContents['llmSpans'][number]
      if (copy.traceId !== trace.llmobsTraceId)
        fail('stored under another trace', `${where}: ${copy.traceId}, expected ${trace.llmobsTraceId}`)
      if (copy.apmTraceId !== null) apmTraceIds.add(copy.apmTraceId)
      const apm = apmSpans.get(span.spanId)
      const sampled = apm === undefined ? null : keep
      if (copy.apmSampled !== sampled)
        fail('apmSampled wrong', `${where}: ${String(copy.apmSampled)}, expected ${String(sampled)}`)
      if (apm !== undefined && !apm.llmobs) fail('APM span not marked llmobs', where)
      if (keep === true) {
        if (wire.apm > 0 && wire.evp > 0) kept.both++
        else if (wire.apm > 0) kept.viaApm++
        else if (wire.evp > 0) kept.rescuedOnly++
        else if (wire.unknown > 0) keptUnknownOnly++
        else fail('kept span stored through no channel the wire saw', where)
      } else if (keep === undefined) {
        if (wire.apm > 0 || apm !== undefined) fail('a span of an unsent chunk arrived through APM', where)
      } else {
        // The rescue rule: a dropped chunk's LLM data never rides its APM spans.
        if (wire.apm > 0) fail('dropped span carried its data in meta_struct', where)
        if (wire.evp > 0) dropped.viaEvp++
        else if (wire.unknown === 0) fail('dropped span not sent through EVP', where)
        if (apm !== undefined) {
          dropped.apmSpanStored++
          if (apm.meta['_dd.llmobs.submitted'] !== '1') fail('dropped APM span not tagged submitted', where)
        }
      }
    }
    if (apmTraceIds.size > 1)
      fail('a trace split across APM traces', `${label}: ${[...apmTraceIds].join(', ')}`)
    if (trace.apmTraceId !== undefined && apmTraceIds.size === 1 && !apmTraceIds.has(trace.apmTraceId))
      fail('upstream APM trace id not kept', `${label}: ${[...apmTraceIds][0]}, expected ${trace.apmTraceId}`)
  }

  const spans = expectedIds.size
  const storedCount = stored.size
  if (new Set(contents.traceIds).size !== contents.traceIds.length)
    fail(
      'a trace listed twice by /api/traces',
      `${contents.traceIds.length} listed in ${contents.pages} pages`,
    )
  if (contents.counts.traces !== contents.traceIds.length)
    fail(
      '/api/traces pages disagree with the store',
      `${contents.traceIds.length} listed, ${contents.counts.traces} counted`,
    )
  if (contents.counts.llmSpans !== storedCount)
    fail(
      'store counts disagree with the listed spans',
      `${contents.counts.llmSpans} rows, ${storedCount} listed`,
    )

  // The SDK's own account: every span settled once, and what it calls sent is what arrived.
  const sdkTotals = { sent: 0, failed: 0, dropped: 0 }
  for (const r of sdk.results) {
    sdkTotals.sent += r.spans.sent
    sdkTotals.failed += r.spans.failed
    sdkTotals.dropped += r.spans.dropped
  }
  if (sdkTotals.sent + sdkTotals.failed + sdkTotals.dropped !== spans)
    fail('SDK counts do not add up to the spans made', `${JSON.stringify(sdkTotals)} for ${spans} spans`)
  const notSent = sdkTotals.failed + sdkTotals.dropped
  const accounting = `${JSON.stringify(sdkTotals)}, missing ${missing}, stored unheard ${storedUnheard}`
  if (options.allowLoss !== true) {
    if (sdkTotals.sent !== storedCount)
      fail(
        'SDK sent count differs from what the collector holds',
        `sent ${sdkTotals.sent}, stored ${storedCount}`,
      )
    if (notSent !== missing) fail('SDK failures differ from what is missing', accounting)
  } else if (notSent < missing || notSent > missing + storedUnheard) {
    // Every missing span counted failed or dropped; beyond those, only spans whose arrival the SDK
    // never heard of (the collector died after committing their request, before answering).
    fail('SDK failures do not account for what is missing', accounting)
  }

  const rescued = sdk.status.apm?.rescued
  if (rescued === undefined) fail('status() has no apm counts', 'status().apm undefined')
  else {
    if (rescued.sampledOut < droppedSpans || rescued.sampledOut > droppedSpans + undecidedSpans)
      fail(
        'rescued.sampledOut differs from the spans of dropped traces',
        `${rescued.sampledOut} vs ${droppedSpans}`,
      )
    const lost = rescued.payloadFailed + rescued.queueFull + rescued.closed
    const throughEvp = kept.rescuedOnly + kept.both
    // A rescued event the LLMObs intake then lost too is among the missing kept spans.
    if (lost < throughEvp || lost > throughEvp + keptMissing + keptUnknownOnly + undecidedSpans)
      fail(
        'APM-lost rescues differ from kept spans that came through EVP',
        `${JSON.stringify(rescued)} vs ${kept.rescuedOnly} + ${kept.both}`,
      )
  }

  const dup = ledger.duplicates()
  // The collector's own word on its EVP intake agrees with the wire (when no copy's fate is unknown:
  // a request the collector died during may have stored it or not).
  const unknownCopies = [...ledger.spans.values()].some((c) => c.unknown > 0)
  if (!unknownCopies && dup.evp !== ledger.totals.evpDuplicatesAnswered)
    fail(
      'EVP duplicates the collector answered differ from the wire',
      `${ledger.totals.evpDuplicatesAnswered} answered, ${dup.evp} copies beyond the first`,
    )
  return {
    violations: [...problems].map(([kind, examples]) => `${kind}: ${examples.join(' | ')}`),
    figures: {
      spans,
      stored: storedCount,
      missing,
      storedUnheard,
      undecidedSpans,
      sdk: sdkTotals,
      bySource,
      kept,
      dropped,
      autoDecisions,
      rescued,
      apmChunks: sdk.status.apm?.traces.chunks,
      retriedEvents: sdk.status.spans.retried,
      duplicates: { ...dup, evpAnswered: ledger.totals.evpDuplicatesAnswered },
    },
  }
}

/**
 * What an automatic decision must be, computed here independently: the rate on the chunk
 * (`_dd.agent_psr`: 1 by default before the first agent answer, then the agent's) applied by Knuth
 * sampling to the trace id's low 64 bits, as every Datadog tracer decides it. A kept trace names its
 * decision maker (`_dd.p.dm` `-0` default, `-1` agent rate); a rejected one carries none.
 */
function autoPriority(decision: ChunkDecision | undefined): number | undefined {
  if (decision?.agentRate === undefined) return undefined
  const threshold = BigInt(Math.floor(decision.agentRate * 2 ** 64))
  const keep = BigInt.asUintN(64, decision.traceIdLow * 1_111_111_111_111_111_111n) <= threshold
  const maker = decision.decisionMaker
  if (keep ? maker !== (decision.agentRate === 1 ? '-0' : '-1') && maker !== '-1' : maker !== undefined)
    return undefined
  return keep ? 1 : 0
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...(value as Set<unknown>)]
  return typeof value === 'bigint' ? value.toString() : value
}
