import type { FastifyInstance } from 'fastify'

/**
 * Paths real tracers call besides traces and LLMObs data (telemetry, remote configuration, dogstatsd
 * over HTTP, stats, profiles, debugger). They are answered `200 {}` and otherwise ignored, so tracers
 * pointed at the collector stay quiet instead of logging connection errors; for remote configuration,
 * `{}` means "you are up to date".
 */
export const QUIET_PATHS = [
  '/telemetry/proxy/api/v2/apmtelemetry',
  '/v0.7/config',
  '/dogstatsd/v2/proxy',
  '/v0.6/stats',
  '/v0.1/pipeline_stats',
  '/profiling/v1/input',
  '/debugger/v1/input',
  '/debugger/v1/diagnostics',
  '/debugger/v2/input',
  '/tracer_flare/v1',
] as const

export function registerQuietRoutes(app: FastifyInstance): void {
  for (const url of QUIET_PATHS) {
    app.route({ method: ['GET', 'POST', 'PUT'], url, handler: async () => ({}) })
  }
}
