import type { LLMObsOptions, ResolvedConfig } from '../config.js'
import type { PlainContext } from '../context/plain-context.js'
import { isRecord } from '../internal/report.js'

/** The key under which `llmobs.workerData()` puts its hand-off into your `workerData`. */
export const WORKER_DATA_KEY = '__llmobs'

/** What a worker needs from the thread that started it: the context, and options to initialise. */
export interface WorkerHandoff {
  /** The context active when `workerData()` was called; absent outside any span. */
  context?: PlainContext
  /**
   * The starting instance's serialisable options, for a worker whose own instance is not yet
   * initialised. Functions (logger, processor, exporter) and the API key do not cross: set
   * `DD_API_KEY` in the environment (workers inherit it) or call `llmobs.init()` in the worker.
   */
  options?: LLMObsOptions
}

/** The options of a resolved config that survive `structuredClone` (no functions, no secret). */
export function cloneableOptions(config: ResolvedConfig): LLMObsOptions {
  const options: LLMObsOptions = {
    mlApp: config.mlApp,
    agentUrl: config.agentUrl,
    site: config.site,
    mode: config.mode,
    sampleRate: config.sampleRate,
    flushIntervalMs: config.flushIntervalMs,
    tags: { ...config.tags },
    strict: config.strict,
    logLevel: config.logLevel,
    maxQueueItems: config.maxQueueItems,
    maxQueueBytes: config.maxQueueBytes,
    requestTimeoutMs: config.requestTimeoutMs,
  }
  if (config.service !== undefined) options.service = config.service
  if (config.env !== undefined) options.env = config.env
  if (config.version !== undefined) options.version = config.version
  if (config.intakeUrl !== undefined) options.intakeUrl = config.intakeUrl
  return options
}

/** The hand-off in a worker's `workerData`, if it carries one. */
export function readHandoff(data: unknown): WorkerHandoff | undefined {
  if (!isRecord(data)) return undefined
  const handoff = data[WORKER_DATA_KEY]
  return isRecord(handoff) ? (handoff as WorkerHandoff) : undefined
}

/** The user's own part of `workerData`: without our key (the object itself when it has none). */
export function userWorkerData(data: unknown): unknown {
  if (!isRecord(data) || !(WORKER_DATA_KEY in data)) return data
  const { [WORKER_DATA_KEY]: _handoff, ...rest } = data
  return rest
}
