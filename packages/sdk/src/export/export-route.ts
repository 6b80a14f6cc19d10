import { agentlessEvalUrl, agentlessSpansUrl, EVP_SUBDOMAIN, HEADERS, PATHS } from '@llmobs/protocol'
import { isLoopbackHost } from '../transport/loopback.js'

/** One destination: where to POST and with which headers. */
export interface Endpoint {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/** Where both streams go in a concrete mode. */
export interface Route {
  readonly mode: 'agent-proxy' | 'agentless'
  readonly spans: Endpoint
  readonly evaluations: Endpoint
}

export type RouteResult =
  { readonly ok: true; readonly route: Route } | { readonly ok: false; readonly reason: string }

const JSON_TYPE = { 'Content-Type': 'application/json' } as const

/**
 * Agent proxy (protocol §2, §3): the agent's EVP proxy forwards to the intake named by the
 * subdomain header and adds the API key itself.
 *
 * @example
 * agentProxyRoute('http://127.0.0.1:8126') // spans → http://127.0.0.1:8126/evp_proxy/v2/api/v2/llmobs
 */
export function agentProxyRoute(agentUrl: string): RouteResult {
  try {
    return {
      ok: true,
      route: {
        mode: 'agent-proxy',
        spans: {
          url: new URL(joinUrl(agentUrl, PATHS.evpLlmobsSpans)),
          headers: { ...JSON_TYPE, [HEADERS.evpSubdomain]: EVP_SUBDOMAIN.spans },
        },
        evaluations: {
          url: new URL(joinUrl(agentUrl, PATHS.evpEvalMetric)),
          headers: { ...JSON_TYPE, [HEADERS.evpSubdomain]: EVP_SUBDOMAIN.evaluations },
        },
      },
    }
  } catch {
    return { ok: false, reason: `agentUrl "${agentUrl}" is not a valid URL` }
  }
}

/**
 * Agentless: straight to the intake of `site` (or below `intakeUrl` when set) with the API key.
 * Refused when the key would travel over plain http to a host other than this machine.
 *
 * @example
 * agentlessRoute({ site: 'datadoghq.eu', apiKey: key, intakeUrl: undefined })
 * // spans → https://llmobs-intake.datadoghq.eu/api/v2/llmobs
 */
export function agentlessRoute(config: {
  readonly site: string
  readonly apiKey: string | undefined
  readonly intakeUrl: string | undefined
}): RouteResult {
  const { apiKey, intakeUrl } = config
  if (apiKey === undefined || apiKey === '') {
    return { ok: false, reason: 'agentless export needs an API key: set the apiKey option or DD_API_KEY' }
  }
  let spans: URL
  let evaluations: URL
  try {
    spans = new URL(
      intakeUrl !== undefined ? joinUrl(intakeUrl, PATHS.llmobsSpans) : agentlessSpansUrl(config.site),
    )
    evaluations = new URL(
      intakeUrl !== undefined ? joinUrl(intakeUrl, PATHS.evalMetric) : agentlessEvalUrl(config.site),
    )
  } catch {
    return {
      ok: false,
      reason: `cannot build the agentless intake URL from ${intakeUrl !== undefined ? `intakeUrl "${intakeUrl}"` : `site "${config.site}"`}`,
    }
  }
  for (const url of [spans, evaluations]) {
    if (url.protocol === 'https:') continue
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) continue
    return {
      ok: false,
      reason:
        `refusing to send the API key to ${url.protocol}//${url.host}: agentless export needs https ` +
        '(plain http is allowed only to localhost, 127.0.0.0/8 or ::1)',
    }
  }
  const headers = { ...JSON_TYPE, [HEADERS.apiKey]: apiKey }
  return {
    ok: true,
    route: { mode: 'agentless', spans: { url: spans, headers }, evaluations: { url: evaluations, headers } },
  }
}

/** `base` + `path`, keeping any path prefix of `base` (a proxy may mount the agent below one). */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path
}
