import type { FastifyInstance } from 'fastify'
import { spanEventsBatch } from '../ingest/span-events-batch.js'
import { readJsonBody, sendRejection } from './read-body.js'
import type { RouteDeps } from './route-deps.js'

/** The span-events path, agentless and behind each EVP proxy version. */
export const SPAN_EVENT_PATHS = [
  '/api/v2/llmobs',
  '/evp_proxy/v2/api/v2/llmobs',
  '/evp_proxy/v3/api/v2/llmobs',
  '/evp_proxy/v4/api/v2/llmobs',
] as const

/**
 * `POST` LLMObs span events (protocol §2), de-duplicated on `(trace_id, span_id)`. Answers 202 with
 * what happened to each event, once the write has committed.
 */
export function registerSpanEventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  for (const url of SPAN_EVENT_PATHS) {
    app.post(url, async (request, reply) => {
      const body = readJsonBody(request, deps.bodyLimit)
      if (!body.ok) return sendRejection(reply, body.rejection)
      const batch = spanEventsBatch(body.value)
      if (!batch.ok) return sendRejection(reply, batch.rejection)
      // Read before the await so the batch is not kept alive across it (see traces-apm.ts).
      const { sampledOut } = batch.value
      const summary = await deps.store.write({
        llmSpans: batch.value.llmSpans,
        apmSpans: [],
        evaluations: [],
      })
      return reply.code(202).send({
        accepted: summary.llmSpans.inserted,
        duplicates: summary.llmSpans.duplicates,
        sampledOut,
      })
    })
  }
}
