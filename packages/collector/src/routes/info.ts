import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from './route-deps.js'

/**
 * Endpoints this collector advertises. Tracers read `endpoints` to choose their transport: dd-trace
 * sends LLMObs events through the agent's EVP proxy when it sees `/evp_proxy/v2/` here. Only paths
 * that are actually served are listed (dd-trace would otherwise start using, e.g., the debugger's).
 */
export const ADVERTISED_ENDPOINTS = [
  '/v0.4/traces',
  '/v0.5/traces',
  '/evp_proxy/v2/',
  '/evp_proxy/v3/',
  '/evp_proxy/v4/',
  '/info',
  '/v0.7/config',
  '/telemetry/proxy/',
  '/dogstatsd/v2/proxy',
] as const

/** `GET /info`, shaped like the Datadog Agent's answer. */
export function registerInfoRoute(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/info', async () => ({
    version: '7.70.0',
    git_commit: 'llmobs-collector',
    endpoints: ADVERTISED_ENDPOINTS,
    feature_flags: [],
    // false: tracers send every trace (no client-side dropping of priority-0 traces, so no stats
    // computation is expected from them), which is what a local viewer wants.
    client_drop_p0s: false,
    span_meta_structs: true,
    long_running_spans: false,
    config: {
      default_env: 'none',
      receiver_port: deps.port(),
      max_request_bytes: deps.bodyLimit,
    },
    llmobs_collector: { version: deps.version, store: 'sqlite' },
  }))
}
