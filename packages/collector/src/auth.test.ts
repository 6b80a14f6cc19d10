import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spanEventsDemoBody } from '../test/fixtures/captures.js'
import { resolveCollectorConfig } from './config.js'
import type { RunningCollector } from './start-collector.js'
import { startCollector } from './start-collector.js'

describe('API key', () => {
  let collector: RunningCollector
  beforeAll(async () => {
    collector = await startCollector({ port: 0, dbPath: ':memory:', apiKey: 's3cret' })
  })
  afterAll(async () => {
    await collector.close()
  })

  const status = async (path: string, headers: Record<string, string>, body?: string) => {
    const init: RequestInit = { headers, method: body === undefined ? 'GET' : 'POST' }
    if (body !== undefined) init.body = body
    return (await fetch(collector.url + path, init)).status
  }

  it('refuses intake and queries without the key, or with a wrong one', async () => {
    expect(await status('/info', {})).toBe(401)
    expect(await status('/api/traces', { authorization: 'Bearer nope' })).toBe(401)
    expect(await status('/api/v2/llmobs', { 'dd-api-key': 's3cre' }, spanEventsDemoBody())).toBe(401)
    const response = await fetch(collector.url + '/api/traces')
    expect(await response.json()).toEqual({
      error: 'missing or wrong API key: send it as DD-API-KEY or Authorization: Bearer <key>',
    })
  })

  it('accepts DD-API-KEY for intake and a bearer token (or the same header) for queries', async () => {
    const json = { 'content-type': 'application/json' }
    expect(await status('/api/v2/llmobs', { ...json, 'dd-api-key': 's3cret' }, spanEventsDemoBody())).toBe(
      202,
    )
    expect(await status('/api/traces', { authorization: 'Bearer s3cret' })).toBe(200)
    expect(await status('/api/traces', { 'dd-api-key': 's3cret' })).toBe(200)
  })

  it('is required to listen beyond loopback', async () => {
    expect(resolveCollectorConfig({ host: '0.0.0.0' }, '/')).toEqual({
      ok: false,
      error: 'listening on 0.0.0.0 (beyond this machine) requires an API key (--api-key)',
    })
    expect(resolveCollectorConfig({ host: '0.0.0.0', apiKey: 'k' }, '/').ok).toBe(true)
    expect(resolveCollectorConfig({ host: '::1' }, '/').ok).toBe(true)
    expect(resolveCollectorConfig({ host: 'localhost' }, '/').ok).toBe(true)
    await expect(startCollector({ host: '0.0.0.0', port: 0, dbPath: ':memory:' })).rejects.toThrow(
      /requires an API key/,
    )
  })
})
