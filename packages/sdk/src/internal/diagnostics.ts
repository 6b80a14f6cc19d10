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

export class Diagnostics {
  readonly #logger: Logger
  readonly #threshold: number
  readonly #strict: boolean
  readonly #once = new Set<string>()

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
    this.#emit('error', cause === undefined ? message : `${message}: ${describe(cause)}`)
  }

  /** Logs a message only the first time its key is seen (for conditions that repeat per span). */
  warnOnce(key: string, message: string): void {
    if (this.#once.has(key)) return
    if (this.#once.size < 1000) this.#once.add(key)
    this.warn(message)
  }

  /**
   * Misuse of the public API. Warns, or throws `LLMObsError` when strict. Call it only on the
   * synchronous path of a public entry point, so a strict throw lands in the caller's own code.
   */
  misuse(code: string, message: string): void {
    if (this.#strict) throw new LLMObsError(code, message)
    this.#emit('warn', `${message} [${code}]`)
  }

  #emit(level: Exclude<LogLevel, 'silent'>, message: string): void {
    if (LEVELS[level] < this.#threshold) return
    try {
      const write = this.#logger[level] ?? this.#logger.warn
      write?.call(this.#logger, `${PREFIX} ${message}`)
    } catch {
      // A broken user logger must not break the host program.
    }
  }
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`
  try {
    return String(cause)
  } catch {
    return 'unprintable error'
  }
}
