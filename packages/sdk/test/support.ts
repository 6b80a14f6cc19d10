import type { LLMObsOptions, LogLevel } from '@llmobs/sdk'
import { createTestLLMObs } from '@llmobs/sdk/testing'

export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>
  message: string
}

/** A test instance whose diagnostics are recorded instead of printed. */
export function setup(options: Omit<LLMObsOptions, 'exporter'> = {}) {
  const logs: LogEntry[] = []
  const record = (level: LogEntry['level']) => (message: string) => {
    logs.push({ level, message })
  }
  const logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  }
  const { llmobs, exporter } = createTestLLMObs({ mlApp: 'test', logger, logLevel: 'debug', ...options })
  // Messages without the "[llmobs] " prefix every diagnostic carries.
  const messages = (level: LogEntry['level']) =>
    logs.filter((entry) => entry.level === level).map((entry) => entry.message.replace(/^\[llmobs\] /, ''))
  return {
    llmobs,
    exporter,
    logs,
    warnings: () => messages('warn'),
    errors: () => messages('error'),
    debugs: () => messages('debug'),
  }
}

/** Resolves once `condition()` is true; polls, so it does not depend on timing. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
