import { setTimeout as sleep } from 'node:timers/promises'
import type { TraceDetail, TraceList } from '../store/views.js'
import { renderTraceTree } from './render-trace-tree.js'

export interface TracesCommandOptions {
  url: string
  limit: number
  follow: boolean
  apiKey: string | undefined
  mlApp: string | undefined
  /** Where lines go (stdout by default). */
  print?: (line: string) => void
  /** Stops `--follow` (e.g. on SIGINT). */
  signal?: AbortSignal
}

const POLL_MS = 1000
/** Traces remembered in follow mode, so a long session does not grow memory without bound. */
const MAX_REMEMBERED = 10_000

/**
 * `llmobs traces`: prints the most recent traces as trees, oldest first so the newest ends up next
 * to the prompt. With `follow`, keeps polling and prints each new trace once it has stopped growing
 * (its span count is the same on two polls in a row), so late children are not left out.
 */
export async function runTracesCommand(options: TracesCommandOptions): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'))
  const get = async <T>(path: string): Promise<T> => {
    const headers: Record<string, string> = {}
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`
    const response = await fetch(new URL(path, options.url), { headers })
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }
  const listPath = (limit: number): string => {
    const params = new URLSearchParams({ limit: String(limit) })
    if (options.mlApp !== undefined) params.set('mlApp', options.mlApp)
    return `/api/traces?${params.toString()}`
  }
  const show = async (traceId: string): Promise<void> => {
    const detail = await get<TraceDetail>(`/api/traces/${traceId}`)
    for (const line of renderTraceTree(detail)) print(line)
    print('')
  }

  const printed = new Map<string, number>()
  const remember = (traceId: string, spanCount: number): void => {
    printed.set(traceId, spanCount)
    if (printed.size > MAX_REMEMBERED) printed.delete(printed.keys().next().value as string)
  }
  const initial = await get<TraceList>(listPath(options.limit))
  if (initial.traces.length === 0 && !options.follow) print('no traces yet')
  for (const trace of [...initial.traces].reverse()) {
    await show(trace.traceId)
    remember(trace.traceId, trace.spanCount)
  }
  if (!options.follow) return

  const pending = new Map<string, number>()
  const stopped = (): boolean => options.signal?.aborted === true
  while (!stopped()) {
    // A ref'd timer on purpose: in follow mode this loop is what keeps the command running.
    await sleep(POLL_MS, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(
      () => undefined,
    )
    if (stopped()) break
    const { traces } = await get<TraceList>(listPath(100))
    for (const trace of [...traces].reverse()) {
      if (printed.has(trace.traceId)) continue
      if (pending.get(trace.traceId) === trace.spanCount) {
        pending.delete(trace.traceId)
        await show(trace.traceId)
        remember(trace.traceId, trace.spanCount)
      } else {
        pending.set(trace.traceId, trace.spanCount)
      }
    }
    if (pending.size > MAX_REMEMBERED) pending.clear()
  }
}
