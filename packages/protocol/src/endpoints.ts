/** Paths, headers and limits of the Datadog Agent and intake (protocol §2, §3, §6). */

export const PATHS = {
  info: '/info',
  tracesV04: '/v0.4/traces',
  tracesV05: '/v0.5/traces',
  /** The agentless trace intake (JSON), for `apm-agentless` mode: `trace.agent.<site>`. */
  tracesV02: '/api/v0.2/traces',
  evpProxyPrefix: '/evp_proxy/v2/',
  llmobsSpans: '/api/v2/llmobs',
  evalMetric: '/api/intake/llm-obs/v2/eval-metric',
  evalMetricV1: '/api/intake/llm-obs/v1/eval-metric',
  /** Agent-proxied span events. */
  evpLlmobsSpans: '/evp_proxy/v2/api/v2/llmobs',
  evpEvalMetric: '/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric',
} as const

export const HEADERS = {
  evpSubdomain: 'X-Datadog-EVP-Subdomain',
  apiKey: 'DD-API-KEY',
  traceCount: 'X-Datadog-Trace-Count',
  metaLang: 'Datadog-Meta-Lang',
  metaLangVersion: 'Datadog-Meta-Lang-Version',
  metaTracerVersion: 'Datadog-Meta-Tracer-Version',
} as const

export const EVP_SUBDOMAIN = { spans: 'llmobs-intake', evaluations: 'api' } as const

/** Agentless hosts for a Datadog site, e.g. `datadoghq.com`. */
export function agentlessSpansUrl(site: string): string {
  return `https://llmobs-intake.${site}${PATHS.llmobsSpans}`
}
export function agentlessEvalUrl(site: string): string {
  return `https://api.${site}${PATHS.evalMetric}`
}
/** The agentless trace intake, where `apm-agentless` sends APM traces as JSON (`encodeV02TracesJson`). */
export function agentlessTracesUrl(site: string): string {
  return `https://trace.agent.${site}${PATHS.tracesV02}`
}

export const LIMITS = {
  /** The existing tracers' per-event and per-request cap. */
  eventBytes: 5 * 1024 * 1024,
  requestBytes: 5 * 1024 * 1024,
  /** The intake itself accepts up to 10 MB an event. */
  intakeEventBytes: 10 * 1024 * 1024,
  flushIntervalMs: 1000,
  requestTimeoutMs: 5000,
  /** `x-datadog-tags` budget (protocol §5). */
  datadogTagsBytes: 512,
} as const

/** Marker the existing tracers put in place of dropped input/output. */
export const DROPPED_VALUE_MARKER =
  "[This value has been dropped because this span's size exceeds the 5MB size limit.]"
