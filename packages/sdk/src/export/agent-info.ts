import { PATHS } from '@llmobs/protocol'

/**
 * Whether the body of an agent's `GET /info` advertises the EVP proxy (protocol §4, "Detection").
 *
 * @example
 * offersEvpProxy('{"endpoints":["/v0.4/traces","/evp_proxy/v2/"]}') // true
 */
export function offersEvpProxy(body: string | undefined): boolean {
  if (body === undefined) return false
  try {
    const info = JSON.parse(body) as { endpoints?: unknown }
    if (!Array.isArray(info.endpoints)) return false
    const prefix = PATHS.evpProxyPrefix.replace(/\/$/, '')
    return info.endpoints.some((e) => typeof e === 'string' && e.replace(/\/$/, '') === prefix)
  } catch {
    return false
  }
}
