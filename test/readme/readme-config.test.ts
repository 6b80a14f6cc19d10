// The README's configuration table, checked against resolveConfig(): every option it lists is one
// resolveConfig() resolves (and every option resolveConfig() resolves is listed), every environment
// variable it names is one config.ts reads (and the other way round), each changes what it says it
// changes, an option passed to init() beats it, and each documented default is the default.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Environment, LLMObsOptions, ResolvedConfig } from '../../packages/sdk/src/config.js'
import { resolveConfig } from '../../packages/sdk/src/config.js'
import { agentlessRoute } from '../../packages/sdk/src/export/export-route.js'
import { ROOT } from '../helpers/ensure-built.js'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from '../e2e/context-helpers.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const MiB = 1024 * 1024

interface Row {
  options: Array<keyof ResolvedConfig>
  envs: string[]
  defaults: string
}

function configTable(): Row[] {
  const at = README.indexOf('\n### Configuration\n')
  if (at < 0) throw new Error('README.md has no "### Configuration" section')
  const rows: Row[] = []
  for (const line of README.slice(at + 1)
    .split('\n')
    .slice(1)) {
    if (line.startsWith('### ') || line.startsWith('## ')) break
    const cells = line.split(/(?<!\\)\|/).slice(1, -1)
    if (cells.length !== 3 || !cells[0]?.includes('`')) continue
    const [options, envs, defaults] = cells.map((c) => c.trim()) as [string, string, string]
    rows.push({
      options: [...options.matchAll(/`(\w+)`/g)].map((m) => m[1] as keyof ResolvedConfig),
      envs: [...envs.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string),
      defaults,
    })
  }
  return rows
}

const rows = configTable()
const documentedOptions = rows.flatMap((r) => r.options)
const documentedEnvs = rows.flatMap((r) => r.envs)

/**
 * For each environment variable: what to set, and what the resolved config then holds; `option` is a
 * value for the same option, which must win over the variable.
 */
const ENV_SAMPLES: Record<
  string,
  { env: Environment; expect: Partial<ResolvedConfig>; option: LLMObsOptions } | undefined
> = {
  DD_LLMOBS_ML_APP: {
    env: { DD_LLMOBS_ML_APP: 'env-app' },
    expect: { mlApp: 'env-app' },
    option: { mlApp: 'opt' },
  },
  DD_SERVICE: { env: { DD_SERVICE: 'env-svc' }, expect: { service: 'env-svc' }, option: { service: 'opt' } },
  DD_ENV: { env: { DD_ENV: 'staging' }, expect: { env: 'staging' }, option: { env: 'opt' } },
  DD_VERSION: { env: { DD_VERSION: '9.9.9' }, expect: { version: '9.9.9' }, option: { version: 'opt' } },
  DD_TRACE_AGENT_URL: {
    env: { DD_TRACE_AGENT_URL: 'http://10.1.2.3:9999' },
    expect: { agentUrl: 'http://10.1.2.3:9999' },
    option: { agentUrl: 'http://127.0.0.1:1' },
  },
  DD_AGENT_HOST: {
    env: { DD_AGENT_HOST: 'agent.local', DD_TRACE_AGENT_PORT: '9126' },
    expect: { agentUrl: 'http://agent.local:9126' },
    option: { agentUrl: 'http://127.0.0.1:1' },
  },
  DD_TRACE_AGENT_PORT: {
    env: { DD_TRACE_AGENT_PORT: '9127' },
    expect: { agentUrl: 'http://127.0.0.1:9127' },
    option: { agentUrl: 'http://127.0.0.1:1' },
  },
  LLMOBS_EXPORT_MODE: {
    env: { LLMOBS_EXPORT_MODE: 'agentless' },
    expect: { mode: 'agentless' },
    option: { mode: 'agent-proxy' },
  },
  DD_LLMOBS_AGENTLESS_ENABLED: {
    env: { DD_LLMOBS_AGENTLESS_ENABLED: 'true' },
    expect: { mode: 'agentless' },
    option: { mode: 'agent-proxy' },
  },
  DD_SITE: { env: { DD_SITE: 'datadoghq.eu' }, expect: { site: 'datadoghq.eu' }, option: { site: 'opt' } },
  DD_API_KEY: { env: { DD_API_KEY: 'env-key' }, expect: { apiKey: 'env-key' }, option: { apiKey: 'opt' } },
  LLMOBS_INTAKE_URL: {
    env: { LLMOBS_INTAKE_URL: 'http://127.0.0.1:9/intake' },
    expect: { intakeUrl: 'http://127.0.0.1:9/intake' },
    option: { intakeUrl: 'opt' },
  },
  DD_LLMOBS_SAMPLE_RATE: {
    env: { DD_LLMOBS_SAMPLE_RATE: '0.25' },
    expect: { sampleRate: 0.25 },
    option: { sampleRate: 0.5 },
  },
  DD_TAGS: {
    env: { DD_TAGS: 'team:search,tier:gold' },
    expect: { tags: { team: 'search', tier: 'gold' } },
    option: { tags: { team: 'opt' } },
  },
  LLMOBS_FLUSH_INTERVAL_MS: {
    env: { LLMOBS_FLUSH_INTERVAL_MS: '2500' },
    expect: { flushIntervalMs: 2500 },
    option: { flushIntervalMs: 100 },
  },
  LLMOBS_LOG_LEVEL: {
    env: { LLMOBS_LOG_LEVEL: 'error' },
    expect: { logLevel: 'error' },
    option: { logLevel: 'info' },
  },
  DD_TRACE_DEBUG: {
    env: { DD_TRACE_DEBUG: 'true' },
    expect: { logLevel: 'debug' },
    option: { logLevel: 'info' },
  },
  LLMOBS_DEBUG: {
    env: { LLMOBS_DEBUG: 'true' },
    expect: { logLevel: 'debug' },
    option: { logLevel: 'info' },
  },
  LLMOBS_STRICT: { env: { LLMOBS_STRICT: 'true' }, expect: { strict: true }, option: { strict: false } },
  LLMOBS_SPOOL_DIR: {
    env: { LLMOBS_SPOOL_DIR: '/tmp/llmobs-spool-a' },
    expect: { spoolDir: '/tmp/llmobs-spool-a' },
    option: { spoolDir: '/tmp/llmobs-spool-b' },
  },
  DD_APM_TRACING_ENABLED: {
    env: { DD_APM_TRACING_ENABLED: 'false' },
    expect: { apmTracing: false },
    option: { apmTracing: true },
  },
  DD_TRACE_SAMPLING_RULES: {
    env: { DD_TRACE_SAMPLING_RULES: '[{"service":"web*","sample_rate":0.5}]' },
    expect: { samplingRules: [{ service: 'web*', sampleRate: 0.5 }] },
    option: { samplingRules: [] },
  },
  DD_TRACE_SAMPLE_RATE: {
    env: { DD_TRACE_SAMPLE_RATE: '0.3' },
    expect: { traceSampleRate: 0.3 },
    option: { traceSampleRate: 0.9 },
  },
  DD_TRACE_RATE_LIMIT: {
    env: { DD_TRACE_RATE_LIMIT: '20' },
    expect: { traceRateLimit: 20 },
    option: { traceRateLimit: 5 },
  },
  DD_TRACE_PARTIAL_FLUSH_MIN_SPANS: {
    env: { DD_TRACE_PARTIAL_FLUSH_MIN_SPANS: '50' },
    expect: { partialFlushMinSpans: 50 },
    option: { partialFlushMinSpans: 7 },
  },
  DD_TRACE_API_VERSION: {
    env: { DD_TRACE_API_VERSION: 'v0.5' },
    expect: { traceApiVersion: 'v0.5' },
    option: { traceApiVersion: 'v0.4' },
  },
  LLMOBS_SPOOL_MAX_BYTES: {
    env: { LLMOBS_SPOOL_MAX_BYTES: '65536' },
    expect: { spoolMaxBytes: 65536 },
    option: { spoolMaxBytes: 131072 },
  },
}

/** The environment variables config.ts reads, from its source. */
function envVarsReadByConfig(): string[] {
  const source = readFileSync(join(ROOT, 'packages/sdk/src/config.ts'), 'utf8')
  return [...new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string))]
}

/** Pairs each option of a row with its part of the default cell. */
function defaultsOf(row: Row): Array<[keyof ResolvedConfig, string]> {
  if (row.options.length === 1) return [[row.options[0] as keyof ResolvedConfig, row.defaults]]
  const parts = row.defaults === 'unset' ? row.options.map(() => 'unset') : row.defaults.split(/,\s+/)
  if (parts.length !== row.options.length)
    throw new Error(`README: the default "${row.defaults}" does not name one default per option`)
  return row.options.map((option, i) => [option, parts[i] as string])
}

describe('README configuration table', () => {
  it('lists exactly the options resolveConfig() resolves', () => {
    const resolved = Object.keys(resolveConfig({}, {}).config).sort()
    expect([...documentedOptions].sort()).toEqual(resolved)
  })

  it('names exactly the environment variables config.ts reads', () => {
    expect([...documentedEnvs].sort()).toEqual(envVarsReadByConfig().sort())
  })

  it.each(documentedEnvs)('%s sets what the table says, and an init() option wins over it', (name) => {
    const sample = ENV_SAMPLES[name]
    if (sample === undefined) throw new Error(`no sample for ${name}: add one to ENV_SAMPLES`)
    const row = rows.find((r) => r.envs.includes(name))
    // The variable changes an option of its own row ...
    for (const key of Object.keys(sample.expect)) expect(row?.options).toContain(key)
    const fromEnv = resolveConfig({}, sample.env)
    expect(fromEnv.warnings).toEqual([])
    expect(fromEnv.config).toMatchObject(sample.expect)
    // ... and an option passed to init() wins over it.
    const fromOption = resolveConfig(sample.option, sample.env).config
    for (const [key, value] of Object.entries(sample.option)) {
      const expected = key === 'tags' ? { ...(sample.expect.tags ?? {}), ...(value as object) } : value
      expect(fromOption[key as keyof ResolvedConfig], key).toEqual(expected)
    }
  })

  it('DD_LLMOBS_AGENTLESS_ENABLED=false means the agent proxy; LLMOBS_EXPORT_MODE wins over it', () => {
    expect(resolveConfig({}, { DD_LLMOBS_AGENTLESS_ENABLED: 'false' }).config.mode).toBe('agent-proxy')
    const both = { DD_LLMOBS_AGENTLESS_ENABLED: 'true', LLMOBS_EXPORT_MODE: 'agent-proxy' }
    expect(resolveConfig({}, both).config.mode).toBe('agent-proxy')
  })

  it.each(rows.flatMap(defaultsOf))('the default of %s is %s', (option, text) => {
    const { config } = resolveConfig({}, {})
    const value = config[option]
    const fallback = /^`(\w+)`, else `([^`]+)`$/.exec(text)
    if (fallback !== null) {
      // `service`, else `unnamed-ml-app`
      const other = fallback[1] as keyof LLMObsOptions
      expect(resolveConfig({ [other]: 'from-other' }, {}).config[option]).toBe('from-other')
      expect(value).toBe(fallback[2])
      return
    }
    if (/^(unset|none|off)\b/.test(text) || text.startsWith('the Datadog exporter')) {
      expect(value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)).toBe(true)
      return
    }
    if (text === '`console`') {
      // No logger configured: the diagnostics write to console (checked in a real process below).
      expect(value).toBeUndefined()
      return
    }
    const size = /^(\d+) MiB/.exec(text)
    if (size !== null) {
      expect(value).toBe(Number(size[1]) * MiB)
      const max = /at most (\d+) MiB/.exec(text)
      if (max !== null) {
        const clamped = resolveConfig({ [option]: Number(max[1]) * MiB * 2 }, {})
        expect(clamped.config[option]).toBe(Number(max[1]) * MiB)
        expect(clamped.warnings).toHaveLength(1)
      }
      return
    }
    const items = /^([\d,]+) items/.exec(text)
    if (items !== null) {
      expect(value).toBe(Number((items[1] as string).replace(/,/g, '')))
      return
    }
    const literal = /^`([^`]+)`/.exec(text)
    if (literal === null) throw new Error(`README: cannot read the default "${text}" of ${option}`)
    const expected = literal[1] as string
    if (expected.includes('<site>')) {
      // `https://llmobs-intake.<site>` / `https://api.<site>`: the agentless hosts built from the site.
      expect(value).toBeUndefined()
      const route = agentlessRoute({ site: 'datadoghq.eu', apiKey: 'k', intakeUrl: undefined })
      const hosts = text
        .match(/`https:\/\/([^`]+)`/g)
        ?.map((t) => t.slice(9, -1).replace('<site>', 'datadoghq.eu'))
      expect(route.ok && [route.route.spans.url.host, route.route.evaluations.url.host]).toEqual(hosts)
      return
    }
    if (/^\d+(\.\d+)?$/.test(expected)) expect(value).toBe(Number(expected))
    else if (expected === 'true' || expected === 'false') expect(value).toBe(expected === 'true')
    else expect(value).toBe(expected)
  })

  it('without a logger, diagnostics go to the console (stderr of a real process)', async () => {
    await ensureSdkBuilt()
    const { code, stderr } = await runModule(
      `import { llmobs } from '@llmobs/sdk'
       llmobs.init({ mlApp: 'console-default', agentUrl: 'http://127.0.0.1:1', mode: 'agent-proxy' })
       llmobs.trace({ kind: 'not-a-kind', name: 'x' }, () => 1)
       await llmobs.shutdown({ timeoutMs: 500 })`,
    )
    expect(code).toBe(0)
    expect(stderr).toMatch(/\[llmobs\].*not-a-kind/)
  })
})
