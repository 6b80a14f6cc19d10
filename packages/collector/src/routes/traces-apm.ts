import { decodeV05Traces } from '@llmobs/protocol'
import type { FastifyInstance } from 'fastify'
import { rateByService } from '../agent-sample-rates.js'
import type { ApmTracesBatch } from '../ingest/apm-traces-batch.js'
import { apmTracesBatch, v04TracesBatch } from '../ingest/apm-traces-batch.js'
import type { Outcome } from '../ingest/outcome.js'
import { reject } from '../ingest/outcome.js'
import { readMsgpackBody, sendRejection } from './read-body.js'
import type { RouteDeps } from './route-deps.js'

function v05TracesBatch(body: Buffer): Outcome<ApmTracesBatch> {
  const traces = decodeV05Traces(body)
  return traces.ok ? apmTracesBatch(traces.value) : reject(400, traces.error)
}

const VERSIONS: ReadonlyArray<[string, (body: Buffer) => Outcome<ApmTracesBatch>]> = [
  ['/v0.4/traces', v04TracesBatch],
  ['/v0.5/traces', v05TracesBatch],
]

/**
 * `PUT|POST /v0.4/traces` and `/v0.5/traces` (msgpack): APM spans are stored, LLMObs events are
 * extracted from `meta_struct["_llmobs"]`, and the answer is the agent's `rate_by_service` (rate 1 for
 * every service, a local collector keeps everything, unless `agentSampleRates` says otherwise).
 * Acknowledged only after the commit.
 */
export function registerApmTraceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  for (const [url, toBatch] of VERSIONS) {
    app.route({
      method: ['PUT', 'POST'],
      url,
      handler: async (request, reply) => {
        const bytes = readMsgpackBody(request, deps.bodyLimit)
        if (!bytes.ok) return sendRejection(reply, bytes.rejection)
        const batch = toBatch(bytes.value)
        if (!batch.ok) return sendRejection(reply, batch.rejection)
        // The answer is computed before awaiting the write, so nothing keeps the batch alive across
        // the await (a batch that survives it is promoted to the old generation: costly to collect).
        const rates = rateByService(deps.agentSampleRates, batch.value.services)
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
