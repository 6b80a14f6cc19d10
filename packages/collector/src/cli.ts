#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { runCollectorCommand } from './cli/collector-command.js'
import { runTracesCommand } from './cli/traces-command.js'
import type { CollectorOptions } from './config.js'
import { DEFAULTS } from './config.js'
import { COLLECTOR_VERSION } from './version.js'

const USAGE = `llmobs ${COLLECTOR_VERSION}

Usage:
  llmobs collector [--port ${DEFAULTS.port}] [--host ${DEFAULTS.host}] [--db ${DEFAULTS.dbPath}]
                   [--api-key KEY] [--retention 7d] [--max-spans N] [--body-limit BYTES]
                   [--agent-sample-rates '{"service:svc,env:dev":0.3}']
      Start the local collector: a Datadog-Agent-compatible intake (point DD_TRACE_AGENT_URL at it)
      storing traces, LLM spans and evaluations in SQLite, with a JSON query API under /api/.
      --port 0 picks a free port. A host beyond loopback requires --api-key
      (or LLMOBS_COLLECTOR_API_KEY). --agent-sample-rates (or LLMOBS_AGENT_SAMPLE_RATES) sets the
      priority-sampling rates answered to tracers, by service:<s>,env:<e> (service:,env: for the
      rest); default 1 for every service.

  llmobs traces [--url http://127.0.0.1:${DEFAULTS.port}] [--limit 20] [--ml-app NAME] [--follow] [--api-key KEY]
      Print recent traces as trees; --follow keeps printing new ones.
`

function fail(message: string): never {
  process.stderr.write(`llmobs: ${message}\n\n${USAGE}`)
  process.exit(2)
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n)) fail(`--${name} must be an integer, got "${value}"`)
  return n
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE)
    return
  }
  if (command === '--version') {
    process.stdout.write(`${COLLECTOR_VERSION}\n`)
    return
  }
  const apiKeyFromEnv = process.env.LLMOBS_COLLECTOR_API_KEY
  if (command === 'collector') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        'api-key': { type: 'string' },
        retention: { type: 'string' },
        'max-spans': { type: 'string' },
        'body-limit': { type: 'string' },
        'agent-sample-rates': { type: 'string' },
      },
      strict: true,
    })
    const options: CollectorOptions = {}
    const port = integer(values.port, 'port')
    if (port !== undefined) options.port = port
    if (values.host !== undefined) options.host = values.host
    if (values.db !== undefined) options.dbPath = values.db
    const apiKey = values['api-key'] ?? apiKeyFromEnv
    if (apiKey !== undefined) options.apiKey = apiKey
    if (values.retention !== undefined) options.retention = values.retention
    const maxSpans = integer(values['max-spans'], 'max-spans')
    if (maxSpans !== undefined) options.maxSpans = maxSpans
    const bodyLimit = integer(values['body-limit'], 'body-limit')
    if (bodyLimit !== undefined) options.bodyLimit = bodyLimit
    const rates = values['agent-sample-rates'] ?? process.env.LLMOBS_AGENT_SAMPLE_RATES
    if (rates !== undefined && rates !== '') options.agentSampleRates = rates
    await runCollectorCommand(options)
    return
  }
  if (command === 'traces') {
    const { values } = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        limit: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        'api-key': { type: 'string' },
        'ml-app': { type: 'string' },
      },
      strict: true,
    })
    const controller = new AbortController()
    process.once('SIGINT', () => controller.abort())
    await runTracesCommand({
      url: values.url ?? process.env.LLMOBS_COLLECTOR_URL ?? `http://${DEFAULTS.host}:${DEFAULTS.port}`,
      limit: integer(values.limit, 'limit') ?? 20,
      follow: values.follow ?? false,
      apiKey: values['api-key'] ?? apiKeyFromEnv,
      mlApp: values['ml-app'],
      signal: controller.signal,
    })
    return
  }
  fail(`unknown command "${command}"`)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`llmobs: ${(error as Error).message}\n`)
  process.exit(1)
})
