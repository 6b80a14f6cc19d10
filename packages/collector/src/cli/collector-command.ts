import type { CollectorOptions } from '../config.js'
import type { RunningCollector } from '../start-collector.js'
import { startCollector } from '../start-collector.js'

/**
 * `llmobs collector`: starts the collector, prints one start-up line saying where it listens and
 * where data goes (test helpers parse `listening on <url>` from it), and shuts down gracefully on
 * SIGINT / SIGTERM: in-flight requests finish and their data is committed before the process exits.
 */
export async function runCollectorCommand(options: CollectorOptions): Promise<void> {
  // Signal handlers go in before the start-up line: whoever reads that line may signal at once.
  const started: { collector?: RunningCollector } = {}
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`llmobs collector: ${signal} again, exiting now\n`)
      process.exit(1)
    }
    stopping = true
    process.stdout.write(`llmobs collector: ${signal}, shutting down\n`)
    if (started.collector === undefined) process.exit(0)
    started.collector.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`llmobs collector: shutdown failed: ${(error as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  const running = await startCollector(options)
  started.collector = running
  const retention = [
    options.retention === undefined ? null : `retention ${String(options.retention)}`,
    options.maxSpans === undefined ? null : `max ${options.maxSpans} spans`,
  ].filter((part) => part !== null)
  process.stdout.write(
    `llmobs collector listening on ${running.url}  storing to ${running.dbPath}` +
      (retention.length > 0 ? `  (${retention.join(', ')})` : '') +
      '\n' +
      `  tracers: DD_TRACE_AGENT_URL=${running.url}  ·  query API: ${running.url}/api/traces` +
      (options.apiKey === undefined ? '' : '  ·  API key required') +
      '\n',
  )
}
