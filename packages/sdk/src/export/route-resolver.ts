import { PATHS } from '@llmobs/protocol'
import type { ExportMode } from '../config.js'
import type { Transport } from '../transport/transport.js'
import { agentOffers } from './agent-info.js'
import {
  agentlessRoute,
  agentProxyRoute,
  apmAgentlessRoute,
  apmAgentRoute,
  joinUrl,
  type Route,
  type RouteResult,
} from './export-route.js'
import type { ProbeStatus } from './exporter.js'

export interface RouteResolverOptions {
  readonly mode: ExportMode
  readonly agentUrl: string
  readonly site: string
  readonly apiKey: string | undefined
  readonly intakeUrl: string | undefined
  /** Whether APM tracing is on (`DD_APM_TRACING_ENABLED`): `auto` then picks `apm-agent` when it can. */
  readonly apmTracing: boolean
  readonly transport: Transport
  /**
   * Headers every request to the agent carries (`Datadog-Container-ID` / `Datadog-Entity-ID`, so the
   * agent tags the data with its container), read when a route to the agent is made.
   */
  readonly agentHeaders?: () => Readonly<Record<string, string>>
  /** Timeout of the `/info` probe. */
  readonly probeTimeoutMs: number
  /** After a probe found no way out, wait this long before the next one; doubles up to `maxReprobeMs`. */
  readonly reprobeMs?: number
  readonly maxReprobeMs?: number
  /** Reports a condition once per key (the caller redacts and de-duplicates). */
  readonly report: (key: string, message: string) => void
}

const INFO_BODY_LIMIT = 1024 * 1024

/**
 * Decides where data goes. Fixed modes resolve at once. `auto` asks the agent's `/info` once, before
 * the first send: `apm-agent` when it offers `/evp_proxy/v2/` and `/v0.4/traces` and APM tracing is
 * on, agent proxy when it offers the proxy, else agentless when an API key is set, else no route. Such a miss is probed again later, at growing intervals (and at once by `flush()`),
 * so an agent that starts after the app is still found; the exporter holds its queue meanwhile.
 */
export class RouteResolver {
  readonly #options: RouteResolverOptions
  #settled: RouteResult | undefined
  #probing: Promise<RouteResult> | undefined
  #lastMiss: RouteResult | undefined
  #nextProbeAt = 0
  #lastProbe: Omit<ProbeStatus, 'nextAtMs'> | undefined
  #reprobeMs: number

  constructor(options: RouteResolverOptions) {
    this.#options = options
    this.#reprobeMs = options.reprobeMs ?? 5_000
  }

  /** `auto` mode's last `/info` probe, for `llmobs.status()`. */
  get lastProbe(): ProbeStatus | undefined {
    const probe = this.#lastProbe
    if (probe === undefined) return undefined
    return { ...probe, nextAtMs: this.#settled === undefined ? this.#nextProbeAt : undefined }
  }

  /** The route once known, or the last miss of `auto` (for stats). */
  get current(): RouteResult | undefined {
    return this.#settled ?? this.#lastMiss
  }

  /** Whether the route is decided for good (a fixed mode, or `auto` once the agent answered). */
  get decided(): boolean {
    return this.#settled !== undefined || this.#options.mode !== 'auto'
  }

  /** `now` probes again at once after a miss, without waiting for the backoff (for `flush()`). */
  resolve(options: { now?: boolean } = {}): Promise<RouteResult> {
    if (this.#settled !== undefined) return Promise.resolve(this.#settled)
    const { mode } = this.#options
    if (mode !== 'auto') return Promise.resolve(this.#fixed(mode))
    if (this.#probing !== undefined) return this.#probing
    if (this.#lastMiss !== undefined && options.now !== true && Date.now() < this.#nextProbeAt)
      return Promise.resolve(this.#lastMiss)
    this.#probing = this.#probe().finally(() => (this.#probing = undefined))
    return this.#probing
  }

  #fixed(mode: Exclude<ExportMode, 'auto'>): RouteResult {
    const o = this.#options
    const result =
      mode === 'agent-proxy'
        ? this.#toAgent(agentProxyRoute(o.agentUrl))
        : mode === 'apm-agent'
          ? this.#toAgent(apmAgentRoute(o.agentUrl))
          : mode === 'apm-agentless'
            ? apmAgentlessRoute(o)
            : agentlessRoute(o)
    if (!result.ok) o.report('no-route', `cannot export: ${result.reason}`)
    this.#settled = result
    return result
  }

  /** A route to the agent, with the headers every agent request carries. */
  #toAgent(result: RouteResult): RouteResult {
    const extra = this.#options.agentHeaders?.()
    if (!result.ok || extra === undefined || Object.keys(extra).length === 0) return result
    const { route } = result
    const add = <E extends { headers: Readonly<Record<string, string>> }>(endpoint: E): E => ({
      ...endpoint,
      headers: { ...endpoint.headers, ...extra },
    })
    const withHeaders: Route = { ...route, spans: add(route.spans), evaluations: add(route.evaluations) }
    return {
      ok: true,
      route: route.traces === undefined ? withHeaders : { ...withHeaders, traces: add(route.traces) },
    }
  }

  async #probe(): Promise<RouteResult> {
    const o = this.#options
    let infoUrl: URL
    try {
      infoUrl = new URL(joinUrl(o.agentUrl, PATHS.info))
    } catch {
      const why = `agentUrl "${o.agentUrl}" is not a valid URL`
      this.#lastProbe = { atMs: Date.now(), result: 'unreachable', detail: why }
      return this.#decide(false, why)
    }
    const answer = await o.transport.send({
      method: 'GET',
      url: infoUrl,
      headers: {},
      timeoutMs: o.probeTimeoutMs,
      readBodyLimit: INFO_BODY_LIMIT,
    })
    if (answer.status !== 'success') {
      const why = `no Datadog Agent at ${o.agentUrl} (${answer.reason})`
      this.#lastProbe = { atMs: Date.now(), result: 'unreachable', detail: why }
      return this.#decide(false, why)
    }
    const offers = agentOffers(answer.body)
    if (!offers.evpProxy) {
      const why = `the Datadog Agent at ${o.agentUrl} does not offer the EVP proxy (/evp_proxy/v2/)`
      this.#lastProbe = { atMs: Date.now(), result: 'no-evp-proxy', detail: why }
      return this.#decide(false, why)
    }
    if (offers.v04Traces && o.apmTracing) {
      this.#lastProbe = {
        atMs: Date.now(),
        result: 'evp-proxy-and-traces',
        detail: `the Datadog Agent at ${o.agentUrl} offers the EVP proxy and v0.4 traces`,
      }
      return (this.#settled = this.#toAgent(apmAgentRoute(o.agentUrl)))
    }
    this.#lastProbe = {
      atMs: Date.now(),
      result: 'evp-proxy',
      detail: `the Datadog Agent at ${o.agentUrl} offers the EVP proxy`,
    }
    return this.#decide(true, '')
  }

  #decide(agentOffersProxy: boolean, why: string): RouteResult {
    const o = this.#options
    if (agentOffersProxy) return (this.#settled = this.#toAgent(agentProxyRoute(o.agentUrl)))
    if (o.apiKey !== undefined && o.apiKey !== '') {
      const result = agentlessRoute(o)
      if (!result.ok) o.report('no-route', `cannot export: ${result.reason}`)
      return (this.#settled = result)
    }
    const miss: RouteResult = {
      ok: false,
      reason:
        `${why} and no apiKey for agentless export; LLM Observability data is held in the bounded queue ` +
        'and sent once the agent answers (probed again with backoff). Start the agent (or a compatible ' +
        'collector) or set DD_API_KEY.',
    }
    o.report('no-route', miss.reason)
    this.#lastMiss = miss
    this.#nextProbeAt = Date.now() + this.#reprobeMs
    this.#reprobeMs = Math.min(this.#reprobeMs * 2, o.maxReprobeMs ?? 300_000)
    return miss
  }
}
