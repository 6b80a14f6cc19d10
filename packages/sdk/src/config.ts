import type { Exporter } from './export/exporter.js'
import { isLogLevel, type LogLevel, type Logger } from './internal/diagnostics.js'
import type { SpanRecord } from './span/span-record.js'
import {
  resolveApmSamplingConfig,
  type ApmSamplingConfig,
  type ApmSamplingOptions,
} from './apm/sampling-config.js'

/** Where LLMObs data goes (protocol §4, "Export modes"). */
export type ExportMode = 'auto' | 'agent-proxy' | 'agentless' | 'apm-agent' | 'apm-agentless'

const EXPORT_MODES: readonly ExportMode[] = ['auto', 'agent-proxy', 'agentless', 'apm-agent', 'apm-agentless']

/**
 * Sees each finished span before export. Return the record (changed or not) to keep it, `null` to drop
 * it. Throwing keeps the original record and reports a diagnostic.
 */
export type SpanProcessor = (record: SpanRecord) => SpanRecord | null | undefined

export interface LLMObsOptions extends ApmSamplingOptions {
  /** The LLM application's name (`DD_LLMOBS_ML_APP`). */
  mlApp?: string
  service?: string
  env?: string
  version?: string
  /** Datadog Agent base URL (`DD_TRACE_AGENT_URL`, or `DD_AGENT_HOST` + `DD_TRACE_AGENT_PORT`). */
  agentUrl?: string
  /** Datadog site for agentless export, e.g. `datadoghq.eu` (`DD_SITE`). */
  site?: string
  apiKey?: string
  /** Overrides the agentless base URL (both spans and evaluations are sent below it). */
  intakeUrl?: string
  mode?: ExportMode
  /** LLMObs sampling rate in [0, 1], decided once per LLMObs trace (`DD_LLMOBS_SAMPLE_RATE`). */
  sampleRate?: number
  flushIntervalMs?: number
  /** Tags added to every span (`DD_TAGS`, `key:value` pairs separated by commas or spaces). */
  tags?: Record<string, string>
  /** Throw `LLMObsError` on API misuse instead of logging (for tests and development). */
  strict?: boolean
  logger?: Logger
  /** `LLMOBS_LOG_LEVEL`; default `warn`, or `debug` when `DD_TRACE_DEBUG` / `LLMOBS_DEBUG` is true. */
  logLevel?: LogLevel
  processor?: SpanProcessor
  /** Bounded buffers: at most this many queued items per stream (default 100,000). */
  maxQueueItems?: number
  /**
   * ... and at most this many queued bytes per stream (default 128 MiB: a synchronous burst of
   * 100,000 typical spans, ~0.9 kB each as JSON, must fit while nothing can be sent).
   */
  maxQueueBytes?: number
  /**
   * The characters of input, output, metadata and tags one span may carry (default 1 MiB, at most
   * 4 MiB). Longer spans are cut, largest strings first with a visible marker, before they are
   * serialised, so a 100 MB value never blocks the app.
   */
  maxSpanSize?: number
  /** One HTTP request's timeout (default 5 s). */
  requestTimeoutMs?: number
  /**
   * Opt-in on-disk spool (`LLMOBS_SPOOL_DIR`): what is still undelivered when the process exits is
   * written here synchronously, and the next process started with the same directory sends it.
   */
  spoolDir?: string
  /** The bytes the spool directory may hold in all (`LLMOBS_SPOOL_MAX_BYTES`; default 16 MiB). */
  spoolMaxBytes?: number
  /**
   * Whether LLMObs spans may also be sent as APM traces (`DD_APM_TRACING_ENABLED`, default true):
   * `auto` mode then picks `apm-agent` when the agent offers v0.4 traces and the EVP proxy.
   */
  apmTracing?: boolean
  /**
   * APM traces with more finished spans than this are sent in parts before their root ends
   * (`DD_TRACE_PARTIAL_FLUSH_MIN_SPANS`, default 1,000).
   */
  partialFlushMinSpans?: number
  /** `DD_TRACE_API_VERSION`: `v0.4` (default) or `v0.5`; LLM data riding traces always uses v0.4. */
  traceApiVersion?: 'v0.4' | 'v0.5'
  /** Replace the Datadog exporter (e.g. the in-memory one from `@llmobs/sdk/testing`). */
  exporter?: Exporter
}

export interface ResolvedConfig {
  readonly mlApp: string
  readonly service: string | undefined
  readonly env: string | undefined
  readonly version: string | undefined
  readonly agentUrl: string
  readonly site: string
  readonly apiKey: string | undefined
  readonly intakeUrl: string | undefined
  readonly mode: ExportMode
  readonly sampleRate: number
  readonly flushIntervalMs: number
  readonly tags: Readonly<Record<string, string>>
  readonly strict: boolean
  readonly logger: Logger | undefined
  readonly logLevel: LogLevel
  readonly processor: SpanProcessor | undefined
  readonly maxQueueItems: number
  readonly maxQueueBytes: number
  readonly maxSpanSize: number
  readonly requestTimeoutMs: number
  readonly spoolDir: string | undefined
  readonly spoolMaxBytes: number
  readonly apmTracing: boolean
  readonly partialFlushMinSpans: number
  /** APM priority sampling rules (`DD_TRACE_SAMPLING_RULES`), validated. */
  readonly samplingRules: ApmSamplingConfig['rules']
  /** The catch-all APM sampling rule's rate (`DD_TRACE_SAMPLE_RATE`), if any. */
  readonly traceSampleRate: number | undefined
  /** Traces a second that sampling rules may keep (`DD_TRACE_RATE_LIMIT`). */
  readonly traceRateLimit: number
  /** `DD_TRACE_API_VERSION`; LLM data riding traces needs v0.4, so a v0.5 is overridden (with a warning). */
  readonly traceApiVersion: 'v0.4' | 'v0.5'
  readonly exporter: Exporter | undefined
}

export type Environment = Readonly<Record<string, string | undefined>>

/**
 * Options first, then the environment, then defaults. The only reader of `process.env` is the caller
 * that passes it in. Bad values are clamped or ignored, each with a warning in `warnings`.
 */
export function resolveConfig(
  options: LLMObsOptions = {},
  env: Environment = {},
): { config: ResolvedConfig; warnings: string[] } {
  const warnings: string[] = []
  const str = (value: string | undefined): string | undefined =>
    value !== undefined && value.trim() !== '' ? value.trim() : undefined

  const service = options.service ?? str(env.DD_SERVICE)
  const mlApp = options.mlApp ?? str(env.DD_LLMOBS_ML_APP) ?? service ?? 'unnamed-ml-app'

  const config: ResolvedConfig = {
    mlApp,
    service,
    env: options.env ?? str(env.DD_ENV),
    version: options.version ?? str(env.DD_VERSION),
    agentUrl: resolveAgentUrl(options, env, warnings),
    site: options.site ?? str(env.DD_SITE) ?? 'datadoghq.com',
    apiKey: options.apiKey ?? str(env.DD_API_KEY),
    intakeUrl: options.intakeUrl ?? str(env.LLMOBS_INTAKE_URL),
    mode: resolveMode(options, env, warnings),
    sampleRate: clampNumber(
      'sampleRate',
      options.sampleRate ?? num(env.DD_LLMOBS_SAMPLE_RATE),
      1,
      0,
      1,
      warnings,
    ),
    flushIntervalMs: clampNumber(
      'flushIntervalMs',
      options.flushIntervalMs ?? num(env.LLMOBS_FLUSH_INTERVAL_MS),
      1000,
      10,
      60_000,
      warnings,
    ),
    tags: Object.freeze({ ...parseTags(env.DD_TAGS), ...options.tags }),
    strict: options.strict ?? env.LLMOBS_STRICT === 'true',
    logger: options.logger,
    logLevel: resolveLogLevel(
      options.logLevel ?? str(env.LLMOBS_LOG_LEVEL) ?? (isDebugEnv(env) ? 'debug' : undefined),
      warnings,
    ),
    processor: options.processor,
    maxQueueItems: clampNumber('maxQueueItems', options.maxQueueItems, 100_000, 1, 10_000_000, warnings),
    maxQueueBytes: clampNumber(
      'maxQueueBytes',
      options.maxQueueBytes,
      128 * 1024 * 1024,
      1024,
      2 ** 31,
      warnings,
    ),
    maxSpanSize: clampNumber(
      'maxSpanSize',
      options.maxSpanSize,
      1024 * 1024,
      4096,
      4 * 1024 * 1024,
      warnings,
    ),
    requestTimeoutMs: clampNumber('requestTimeoutMs', options.requestTimeoutMs, 5000, 100, 120_000, warnings),
    spoolDir: resolveSpoolDir(options.spoolDir ?? str(env.LLMOBS_SPOOL_DIR), warnings),
    spoolMaxBytes: clampNumber(
      'spoolMaxBytes',
      options.spoolMaxBytes ?? num(env.LLMOBS_SPOOL_MAX_BYTES),
      16 * 1024 * 1024,
      4096,
      2 ** 31,
      warnings,
    ),
    apmTracing: options.apmTracing ?? bool(env.DD_APM_TRACING_ENABLED) ?? true,
    partialFlushMinSpans: clampNumber(
      'partialFlushMinSpans',
      options.partialFlushMinSpans ?? num(env.DD_TRACE_PARTIAL_FLUSH_MIN_SPANS),
      1000,
      1,
      100_000,
      warnings,
    ),
    ...apmSampling(options, env, warnings),
    traceApiVersion: resolveTraceApiVersion(
      options.traceApiVersion ?? str(env.DD_TRACE_API_VERSION),
      warnings,
    ),
    exporter: options.exporter,
  }
  return { config: Object.freeze(config), warnings }
}

function bool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  const v = value.trim().toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  return undefined
}

function resolveTraceApiVersion(value: string | undefined, warnings: string[]): 'v0.4' | 'v0.5' {
  if (value === undefined || value === 'v0.4' || value === 'v0.5') return value ?? 'v0.4'
  warnings.push(
    `traceApiVersion (DD_TRACE_API_VERSION) must be v0.4 or v0.5, got ${JSON.stringify(value)}; v0.4 is used`,
  )
  return 'v0.4'
}

/** The APM sampling settings, from the options and the three `DD_TRACE_*` variables. */
function apmSampling(
  options: LLMObsOptions,
  env: Environment,
  warnings: string[],
): Pick<ResolvedConfig, 'samplingRules' | 'traceSampleRate' | 'traceRateLimit'> {
  const resolved = resolveApmSamplingConfig(
    options,
    {
      DD_TRACE_SAMPLING_RULES: env.DD_TRACE_SAMPLING_RULES,
      DD_TRACE_SAMPLE_RATE: env.DD_TRACE_SAMPLE_RATE,
      DD_TRACE_RATE_LIMIT: env.DD_TRACE_RATE_LIMIT,
    },
    (_code, message) => warnings.push(message),
  )
  return {
    samplingRules: resolved.rules,
    traceSampleRate: resolved.sampleRate,
    traceRateLimit: resolved.rateLimit,
  }
}

/** What `new PrioritySampler()` takes, from a resolved config. */
export function apmSamplingConfig(config: ResolvedConfig): ApmSamplingConfig {
  return { rules: config.samplingRules, sampleRate: config.traceSampleRate, rateLimit: config.traceRateLimit }
}

function resolveAgentUrl(options: LLMObsOptions, env: Environment, warnings: string[]): string {
  const explicit = options.agentUrl ?? env.DD_TRACE_AGENT_URL
  if (explicit !== undefined && explicit !== '') {
    try {
      return new URL(explicit).toString().replace(/\/$/, '')
    } catch {
      warnings.push(
        `agentUrl "${explicit}" is not a valid URL; using http://127.0.0.1:8126. Pass e.g. "http://localhost:8126".`,
      )
    }
  }
  const host = env.DD_AGENT_HOST ?? '127.0.0.1'
  const port = env.DD_TRACE_AGENT_PORT ?? '8126'
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `http://${hostPart}:${port}`
}

function resolveMode(options: LLMObsOptions, env: Environment, warnings: string[]): ExportMode {
  const requested = options.mode ?? env.LLMOBS_EXPORT_MODE
  if (requested !== undefined && requested !== '') {
    if ((EXPORT_MODES as readonly string[]).includes(requested)) return requested as ExportMode
    warnings.push(`mode "${requested}" is not one of ${EXPORT_MODES.join(', ')}; using "auto".`)
    return 'auto'
  }
  const agentless = env.DD_LLMOBS_AGENTLESS_ENABLED?.toLowerCase()
  if (agentless === 'true' || agentless === '1') return 'agentless'
  if (agentless === 'false' || agentless === '0') return 'agent-proxy'
  return 'auto'
}

function resolveSpoolDir(value: unknown, warnings: string[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  warnings.push('spoolDir must be a non-empty directory path; the spool is off.')
  return undefined
}

function resolveLogLevel(value: string | undefined, warnings: string[]): LogLevel {
  if (value === undefined) return 'warn'
  const lower = value.toLowerCase()
  if (isLogLevel(lower)) return lower
  warnings.push(`logLevel "${value}" is not one of debug, info, warn, error, silent; using "warn".`)
  return 'warn'
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  return Number(value)
}

function clampNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  warnings: string[],
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value)) {
    warnings.push(`${name} must be a number; using ${fallback}.`)
    return fallback
  }
  if (value < min || value > max) {
    const clamped = Math.min(max, Math.max(min, value))
    warnings.push(`${name} ${value} is outside [${min}, ${max}]; using ${clamped}.`)
    return clamped
  }
  return value
}

/** `DD_TAGS`: `k:v` pairs separated by commas and/or spaces; a pair without `:` is ignored. */
export function parseTags(text: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {}
  if (text === undefined) return tags
  for (const pair of text.split(/[,\s]+/)) {
    const at = pair.indexOf(':')
    if (at <= 0) continue
    tags[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return tags
}

/** `DD_TRACE_DEBUG` (as `dd-trace` reads it) or `LLMOBS_DEBUG`: a line per payload sent. */
function isDebugEnv(env: Environment): boolean {
  return [env.DD_TRACE_DEBUG, env.LLMOBS_DEBUG].some((v) => v !== undefined && /^(true|1)$/i.test(v.trim()))
}
