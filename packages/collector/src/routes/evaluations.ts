import type { FastifyInstance } from 'fastify'
import { evaluationsBatch } from '../ingest/evaluations-batch.js'
import { readJsonBody, sendRejection } from './read-body.js'
import type { RouteDeps } from './route-deps.js'

const PREFIXES = ['', '/evp_proxy/v2', '/evp_proxy/v3', '/evp_proxy/v4']

/** Every eval-metric path: v1 and v2, agentless and behind each EVP proxy version. */
export const EVALUATION_PATHS = PREFIXES.flatMap((prefix) =>
  ['v1', 'v2'].map((version) => `${prefix}/api/intake/llm-obs/${version}/eval-metric`),
)

/** `POST` evaluations and feedback (protocol §3), validated all or nothing; 202 after the commit. */
export function registerEvaluationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  for (const url of EVALUATION_PATHS) {
    app.post(url, async (request, reply) => {
      const body = readJsonBody(request, deps.bodyLimit)
      if (!body.ok) return sendRejection(reply, body.rejection)
      const batch = evaluationsBatch(body.value)
      if (!batch.ok) return sendRejection(reply, batch.rejection)
      const summary = await deps.store.write({ llmSpans: [], apmSpans: [], evaluations: batch.value })
      return reply.code(202).send({
        accepted: summary.evaluations.inserted,
        duplicates: summary.evaluations.duplicates,
      })
    })
  }
}
