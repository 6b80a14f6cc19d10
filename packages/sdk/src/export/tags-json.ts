import type { ResolvedConfig } from '../config.js'
import { SDK_VERSION } from '../internal/version.js'
import type { SpanRecord } from '../span/span-record.js'
import { flat, jsonText, quoteJson } from './json-text.js'
import { encodeTags } from './span-event-encoder.js'

interface TagsCache {
  readonly mlApp: string
  /** `["<base tags>",...,"ml_app:<mlApp>","ddtrace.version:<v>","error:` */
  readonly head: string
  /** The whole array of a span without error or session. */
  readonly plain: string
}

const tagsCaches = new WeakMap<ResolvedConfig, TagsCache>()

/**
 * The JSON text of an event's `tags` array, exactly as the encoder's `encodeTags` makes it. Without
 * tags of the config's or the span's own (the usual case) it is constant per config and `ml_app`
 * up to the error flag, so it is cached as one flat string; otherwise `encodeTags` decides.
 *
 * @example
 * tagsJson(record, config) // '["service:svc","source:integration","ml_app:demo",...]'
 */
export function tagsJson(record: SpanRecord, config: ResolvedConfig): string | undefined {
  const mlApp = record.mlApp
  if (hasKeys(config.tags) || hasKeys(record.tags) || typeof mlApp !== 'string') {
    return jsonText('tags', encodeTags(record, config))
  }
  let cache = tagsCaches.get(config)
  if (cache === undefined || cache.mlApp !== mlApp) {
    const base: string[] = []
    if (config.version !== undefined) base.push(`version:${config.version}`)
    if (config.env !== undefined) base.push(`env:${config.env}`)
    if (config.service !== undefined) base.push(`service:${config.service}`)
    base.push('source:integration', `ml_app:${mlApp}`, `ddtrace.version:${SDK_VERSION}`)
    const head = `[${base.map(quoteJson).join(',')},"error:`
    cache = { mlApp, head: flat(head), plain: flat(`${head}0","language:javascript"]`) }
    tagsCaches.set(config, cache)
  }
  const errorType = record.error?.type
  const sessionId = record.sessionId
  if (errorType === undefined && sessionId === undefined) return cache.plain
  let out =
    errorType === undefined
      ? `${cache.head}0","language:javascript"`
      : `${cache.head}1","language:javascript",${quoteJson(`error_type:${errorType}`)}`
  if (sessionId !== undefined) out += `,${quoteJson(`session_id:${sessionId}`)}`
  return `${out}]`
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}
