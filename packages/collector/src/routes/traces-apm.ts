import type { DecodeResult, DecodedApmTraces } from '@llmobs/protocol'
import { decodeV04Traces, decodeV05Traces } from '@llmobs/protocol'
import type { FastifyInstance } from 'fastify'
import { apmTracesBatch } from '../ingest/apm-traces-batch.js'
import { readMsgpackBody, sendRejection } from './read-body.js'
import type { RouteDeps } from './route-deps.js'

const VERSIONS: ReadonlyArray<[string, (bytes: Uint8Array) => DecodeResult<DecodedApmTraces>]> = [
  ['/v0.4/traces', decodeV04Traces],
  ['/v0.5/traces', decodeV05Traces],
]

/**
 * `PUT|POST /v0.4/traces` and `/v0.5/traces` (msgpack): APM spans are stored, LLMObs events are
 * extracted from `meta_struct["_llmobs"]`, and the answer is the agent's `rate_by_service` (rate 1 for
 * every service: a local collector keeps everything). Acknowledged only after the commit.
 */
export function registerApmTraceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  for (const [url, decode] of VERSIONS) {
    app.route({
      method: ['PUT', 'POST'],
      url,
      handler: async (request, reply) => {
        const bytes = readMsgpackBody(request, deps.bodyLimit)
        if (!bytes.ok) return sendRejection(reply, bytes.rejection)
        const traces = decode(bytes.value)
        if (!traces.ok) return sendRejection(reply, { status: 400, error: traces.error })
        const batch = apmTracesBatch(traces.value)
        if (!batch.ok) return sendRejection(reply, batch.rejection)
        // The answer is computed before awaiting the write, so nothing keeps the batch alive across
        // the await (a batch that survives it is promoted to the old generation: costly to collect).
        const rates: Record<string, number> = { 'service:,env:': 1 }
        for (const key of batch.value.services) rates[key] = 1
        await deps.store.write({
          llmSpans: batch.value.llmSpans,
          apmSpans: batch.value.apmSpans,
          evaluations: [],
        })
        return reply.code(200).send({ rate_by_service: rates })
      },
    })
  }
}
