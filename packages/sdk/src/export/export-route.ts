import {
  agentlessEvalUrl,
  agentlessSpansUrl,
  agentlessTracesUrl,
  EVP_SUBDOMAIN,
  HEADERS,
  PATHS,
} from '@llmobs/protocol'
import { isLoopbackHost } from '../transport/loopback.js'

/** One destination: where to POST and with which headers. */
export interface Endpoint {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/** Where APM traces go in the `apm-*` modes, and in which format. */
export interface TracesEndpoint extends Endpoint {
  /** v0.4 msgpack to the agent; JSON to the agentless trace intake. */
  readonly format: 'v0.4' | 'json'
}

/** Where the streams go in a concrete mode. */
export interface Route {
  readonly mode: 'agent-proxy' | 'agentless' | 'apm-agent' | 'apm-agentless'
  /** LLMObs span events; in the `apm-*` modes, the rescued ones (protocol §4). */
  readonly spans: Endpoint
  readonly evaluations: Endpoint
  /** The `apm-*` modes only: APM traces, carrying LLMObs events in `meta_struct`. */
  readonly traces?: TracesEndpoint
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
 * `apm-agent`: APM traces (v0.4, LLMObs data in `meta_struct`) to the agent; events the rescue rule
 * sends aside, and evaluations, through its EVP proxy.
 *
 * @example
 * apmAgentRoute('http://127.0.0.1:8126') // traces → http://127.0.0.1:8126/v0.4/traces
 */
export function apmAgentRoute(agentUrl: string): RouteResult {
  const proxy = agentProxyRoute(agentUrl)
  if (!proxy.ok) return proxy
  const traces: TracesEndpoint = {
    url: new URL(joinUrl(agentUrl, PATHS.tracesV04)),
    headers: {},
    format: 'v0.4',
  }
  return { ok: true, route: { ...proxy.route, mode: 'apm-agent', traces } }
}

/**
 * `apm-agentless`: APM traces as JSON to the trace intake of `site` (or below `intakeUrl`), rescued
 * events and evaluations to the agentless LLMObs intake, all with the API key.
 */
export function apmAgentlessRoute(config: {
  readonly site: string
  readonly apiKey: string | undefined
  readonly intakeUrl: string | undefined
}): RouteResult {
  const direct = agentlessRoute(config)
  if (!direct.ok) return direct
  const url = new URL(
    config.intakeUrl !== undefined
      ? joinUrl(config.intakeUrl, PATHS.tracesV02)
      : agentlessTracesUrl(config.site),
  )
  const traces: TracesEndpoint = {
    url,
    headers: { [HEADERS.apiKey]: config.apiKey as string },
    format: 'json',
  }
  return { ok: true, route: { ...direct.route, mode: 'apm-agentless', traces } }
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
