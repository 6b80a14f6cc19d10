/**
 * The traced app of the exactly-once proof: traces of 10 LLMObs spans each (a workflow root with
 * nested llm, tool and task children, four of them ending after the root as background work does),
 * each trace's APM sampling priority coming from a source chosen at random: the agent's rates
 * (`auto`), `keepTrace()` / `dropTrace()` by hand, or an upstream decision received through
 * `llmobs.extract()` and used as the root's parent. Traces start a few at a time so the SDK sends
 * many requests (each one a chance for a fault), not a handful of large ones.
 */
import type { LLMObs, Span } from '@llmobs/sdk'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SeededRandom } from './seeded-random.js'

export const SPANS_PER_TRACE = 10

/**
 * `late-*`: `keepTrace()` / `dropTrace()` on a background span after the root ended: the root's
 * chunk has left with the decision made before (by the agent's rate), the later chunks carry this one.
 */
export const PRIORITY_SOURCES = [
  'auto',
  'user-keep',
  'user-drop',
  'upstream-keep',
  'upstream-reject',
  'late-keep',
  'late-drop',
] as const
export type PrioritySource = (typeof PRIORITY_SOURCES)[number]

/** How often each source is chosen. */
const SOURCE_WEIGHTS: Readonly<Record<PrioritySource, number>> = {
  auto: 30,
  'user-keep': 12,
  'user-drop': 12,
  'upstream-keep': 13,
  'upstream-reject': 13,
  'late-keep': 10,
  'late-drop': 10,
}

export interface PlannedSpan {
  readonly spanId: string
  readonly name: string
  /** Ended after the root: sent in a chunk of its own. */
  readonly late: boolean
  /**
   * The `_sampling_priority_v1` its chunk must carry: exact for the user and upstream sources (2 / -1,
   * or the upstream value), undefined when the agent's rate decides (0 or 1).
   */
  readonly priority: number | undefined
}

export interface PlannedTrace {
  readonly index: number
  readonly source: PrioritySource
  /** The decision made by hand after the root ended (`late-*` sources). */
  readonly latePriority: number | undefined
  readonly llmobsTraceId: string
  /** Known in advance for an upstream parent (its `_dd.p.tid` and trace id); else the SDK's own. */
  readonly apmTraceId: string | undefined
  readonly spans: readonly PlannedSpan[]
}

export interface WorkloadOptions {
  readonly traces: number
  /** Traces started together, then a pause of `pauseMs`. */
  readonly batch: number
  readonly pauseMs: number
  /** Called after each batch (e.g. to crash the collector midway). */
  readonly afterBatch?: (tracesStarted: number) => void
}

/** Runs the whole workload; resolves once every span has ended (background ones included). */
export async function runWorkload(
  llmobs: LLMObs,
  random: SeededRandom,
  options: WorkloadOptions,
): Promise<PlannedTrace[]> {
  const traces: PlannedTrace[] = []
  const background: Array<Promise<void>> = []
  for (let index = 0; index < options.traces;) {
    for (let n = 0; n < options.batch && index < options.traces; n++, index++) {
      const { trace, late } = startTrace(llmobs, random, index)
      traces.push(trace)
      background.push(late)
    }
    options.afterBatch?.(index)
    await sleep(options.pauseMs)
  }
  await Promise.all(background)
  return traces
}

function startTrace(
  llmobs: LLMObs,
  random: SeededRandom,
  index: number,
): { trace: PlannedTrace; late: Promise<void> } {
  const source = random.weighted(SOURCE_WEIGHTS)
  let priority: number | undefined
  let apmTraceId: string | undefined
  let parent: ReturnType<LLMObs['extract']>
  if (source === 'upstream-keep' || source === 'upstream-reject') {
    priority = source === 'upstream-keep' ? random.pick([1, 2]) : random.pick([0, -1])
    const high = random.uint64() & 0xffffffff00000000n
    const low = random.uint64()
    apmTraceId = hex16(high) + hex16(low)
    parent = llmobs.extract({
      'x-datadog-trace-id': low.toString(),
      'x-datadog-parent-id': random.uint64().toString(),
      'x-datadog-sampling-priority': String(priority),
      'x-datadog-tags': `_dd.p.tid=${hex16(high)},_dd.p.dm=${priority === 2 || priority === -1 ? '-4' : '-1'}`,
    })
    if (parent === undefined) throw new Error('extract() found no context in the upstream headers')
  } else if (source === 'user-keep') priority = 2
  else if (source === 'user-drop') priority = -1
  const latePriority = source === 'late-keep' ? 2 : source === 'late-drop' ? -1 : undefined

  const spans: Array<{ span: Span; late: boolean }> = []
  const start = (
    kind: 'workflow' | 'llm' | 'tool' | 'task',
    name: string,
    parentSpan: Span | undefined,
    late = false,
  ): Span => {
    const span = llmobs.startSpan({
      kind,
      name: `${name}-${index}`,
      ...(parentSpan !== undefined ? { parent: parentSpan } : parent !== undefined ? { parent } : {}),
      ...(kind === 'llm' ? { modelName: 'gpt-4o-mini', modelProvider: 'openai' } : {}),
    })
    span.annotate({
      inputData: `${name} input ${index}`,
      outputData: `${name} output ${index}`,
      metadata: { trace: index, source },
    })
    spans.push({ span, late })
    return span
  }

  const root = start('workflow', 'answer', undefined)
  const chat = start('llm', 'chat', root)
  const lookup = start('tool', 'lookup', root)
  const plan = start('task', 'plan', root)
  const draft = start('llm', 'draft', plan)
  const search = start('tool', 'search', plan)
  const sideTask = start('task', 'background', root, true)
  const summarise = start('llm', 'summarise', sideTask, true)
  const store = start('tool', 'store', sideTask, true)
  const followUp = start('llm', 'follow-up', root, true)

  // By hand, from any span of the trace still before the first chunk leaves (the root's end).
  const open = [root, chat, plan, draft, sideTask, summarise]
  if (source === 'user-keep') random.pick(open).keepTrace()
  if (source === 'user-drop') random.pick(open).dropTrace()

  for (const span of [chat, lookup, draft, search, plan]) span.end()
  root.end()
  if (source === 'late-keep') random.pick([sideTask, summarise, followUp]).keepTrace()
  if (source === 'late-drop') random.pick([sideTask, summarise, followUp]).dropTrace()
  // Drawn now, not in the timer: the random sequence must not depend on timing.
  const lateOrder = shuffled([summarise, store, sideTask, followUp], random)
  const late = sleep(5 + random.below(250)).then(() => {
    for (const span of lateOrder) span.end()
  })

  return {
    trace: {
      index,
      source,
      latePriority,
      llmobsTraceId: root.traceId,
      apmTraceId,
      spans: spans.map(({ span, late: isLate }) => ({
        spanId: span.spanId,
        name: span.name,
        late: isLate,
        priority: latePriority ?? priority,
      })),
    },
    late,
  }
}

function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.below(i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

function hex16(n: bigint): string {
  return n.toString(16).padStart(16, '0')
}
