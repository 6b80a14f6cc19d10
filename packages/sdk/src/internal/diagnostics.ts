/**
 * The one diagnostic channel of the SDK. Internals report here instead of throwing; misuse of the
 * public API is reported with a message that names the field and the fix, and becomes a thrown
 * `LLMObsError` under `strict: true` (for tests and development).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** Anything shaped like `console` or a pino/winston logger. */
export interface Logger {
  debug?(message: string, ...args: unknown[]): void
  info?(message: string, ...args: unknown[]): void
  warn?(message: string, ...args: unknown[]): void
  error?(message: string, ...args: unknown[]): void
}

export class LLMObsError extends Error {
  override readonly name = 'LLMObsError'
  /** A stable, greppable code such as `invalid_span_kind`. */
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const PREFIX = '[llmobs]'
const REPEAT_INTERVAL_MS = 60_000

export class Diagnostics {
  readonly #logger: Logger
  readonly #threshold: number
  readonly #strict: boolean
  #loggerBroken = false
  /** Per kind of problem: when it was last printed and how many repeats were held back since. */
  readonly #seen = new Map<string, { lastAt: number; held: number }>()

  constructor(
    options: { logger?: Logger | undefined; level?: LogLevel | undefined; strict?: boolean | undefined } = {},
  ) {
    this.#logger = options.logger ?? console
    this.#threshold = LEVELS[options.level ?? 'warn']
    this.#strict = options.strict ?? false
  }

  get strict(): boolean {
    return this.#strict
  }

  debug(message: string): void {
    this.#emit('debug', message)
  }

  info(message: string): void {
    this.#emit('info', message)
  }

  warn(message: string): void {
    this.#emit('warn', message)
  }

  error(message: string, cause?: unknown): void {
    this.#emit('error', cause === undefined ? message : `${message}: ${describeError(cause)}`)
  }

  /**
   * Logs a kind of problem the first time its key is seen, then at most once a minute with the count
   * of repeats held back meanwhile, so a condition that repeats per span neither floods the log nor
   * goes quiet for good.
   */
  warnOnce(key: string, message: string): void {
    const text = this.#rateLimited(key, message)
    if (text !== undefined) this.warn(text)
  }

  /**
   * Misuse of the public API. Warns, or throws `LLMObsError` when strict. Call it only on the
   * synchronous path of a public entry point, so a strict throw lands in the caller's own code.
   */
  misuse(code: string, message: string): void {
    if (this.#strict) throw new LLMObsError(code, message)
    const text = this.#rateLimited(`misuse:${code}:${message}`, message)
    if (text !== undefined) this.#emit('warn', `${text} [${code}]`)
  }

  /** The message to print now, or undefined when this key printed less than a minute ago. */
  #rateLimited(key: string, message: string): string | undefined {
    const now = Date.now()
    const seen = this.#seen.get(key)
    if (seen === undefined) {
      // Bounded: past 1,000 distinct keys, new ones still print but are no longer tracked.
      if (this.#seen.size < 1000) this.#seen.set(key, { lastAt: now, held: 0 })
      return message
    }
    if (now - seen.lastAt < REPEAT_INTERVAL_MS) {
      seen.held++
      return undefined
    }
    const held = seen.held
    seen.lastAt = now
    seen.held = 0
    return held === 0 ? message : `${message} (${held} more since the last report)`
  }

  #emit(level: Exclude<LogLevel, 'silent'>, message: string): void {
    if (LEVELS[level] < this.#threshold) return
    const line = `${PREFIX} ${message}`
    try {
      const write = this.#logger[level] ?? this.#logger.warn
      write?.call(this.#logger, line)
    } catch (loggerError) {
      // A broken user logger must neither break the host program nor silence the SDK: fall back to
      // stderr, and say once why.
      writeStderr(line)
      if (!this.#loggerBroken) {
        this.#loggerBroken = true
        writeStderr(
          `${PREFIX} the configured logger threw (${describeError(loggerError)}); diagnostics go to stderr`,
        )
      }
    }
  }
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(`${line}\n`)
  } catch {
    // stderr closed: nothing is left to report to.
  }
}

/** `Name: message` of an error, or its text; never throws. */
export function describeError(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`
  try {
    return String(cause)
  } catch {
    return 'unprintable error'
  }
}
