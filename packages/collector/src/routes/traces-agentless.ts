import { PATHS } from '@llmobs/protocol'
import type { FastifyInstance } from 'fastify'
import { parseLosslessJson } from '../ingest/parse-lossless-json.js'
import { reject } from '../ingest/outcome.js'
import { v02TracesBatch } from '../ingest/v02-traces-batch.js'
import { readJsonBody, sendRejection } from './read-body.js'
import type { RouteDeps } from './route-deps.js'

/**
 * The most a v0.2 JSON body may hold, decompressed, whatever the collector's own body limit: the
 * lossless parser reads ~12 MB/s on the main thread, so this is under a second of it. Tracers send
 * far less per request (5 MiB at most, protocol §2).
 */
export const V02_TRACES_BODY_LIMIT = 10 * 1024 * 1024

/**
 * `POST|PUT /api/v0.2/traces`: the agentless trace intake (JSON), for tracers in `apm-agentless` mode
 * pointed at the collector. Stored exactly as `/v0.4/traces` stores the same spans; the API key is
 * checked like on every route when the collector has one. Answers 202 with what was stored, once
 * committed.
 */
export function registerAgentlessTraceRoute(app: FastifyInstance, deps: RouteDeps): void {
  const limit = Math.min(deps.bodyLimit, V02_TRACES_BODY_LIMIT)
  app.route({
    method: ['POST', 'PUT'],
    url: PATHS.tracesV02,
    handler: async (request, reply) => {
      const body = readJsonBody(request, limit, (bytes) =>
        bytes.length > limit
          ? reject(413, `body is larger than ${limit} bytes, the most ${PATHS.tracesV02} reads`)
          : parseLosslessJson(bytes),
      )
      if (!body.ok) return sendRejection(reply, body.rejection)
      const batch = v02TracesBatch(body.value)
      if (!batch.ok) return sendRejection(reply, batch.rejection)
      // Read before the await so the batch is not kept alive across it (see traces-apm.ts).
      const { sampledOut } = batch.value
      const summary = await deps.store.write({
        llmSpans: batch.value.llmSpans,
        apmSpans: batch.value.apmSpans,
        evaluations: [],
      })
      return reply.code(202).send({
        apmSpans: { accepted: summary.apmSpans.inserted, duplicates: summary.apmSpans.duplicates },
        llmSpans: {
          accepted: summary.llmSpans.inserted,
          duplicates: summary.llmSpans.duplicates,
          sampledOut,
        },
      })
    },
  })
}
