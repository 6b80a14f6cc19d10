import { PATHS } from '@llmobs/protocol'

/**
 * Whether the body of an agent's `GET /info` advertises the EVP proxy (protocol §4, "Detection").
 *
 * @example
 * offersEvpProxy('{"endpoints":["/v0.4/traces","/evp_proxy/v2/"]}') // true
 */
export function offersEvpProxy(body: string | undefined): boolean {
  return agentOffers(body).evpProxy
}

/** What an agent's `/info` says it serves: the EVP proxy, and v0.4 traces (for the `apm-agent` mode). */
export function agentOffers(body: string | undefined): { evpProxy: boolean; v04Traces: boolean } {
  const none = { evpProxy: false, v04Traces: false }
  if (body === undefined) return none
  try {
    const info = JSON.parse(body) as { endpoints?: unknown }
    if (!Array.isArray(info.endpoints)) return none
    const listed = (path: string) => {
      const wanted = path.replace(/\/$/, '')
      return (info.endpoints as unknown[]).some(
        (e) => typeof e === 'string' && e.replace(/\/$/, '') === wanted,
      )
    }
    return { evpProxy: listed(PATHS.evpProxyPrefix), v04Traces: listed(PATHS.tracesV04) }
  } catch {
    return none
  }
}
