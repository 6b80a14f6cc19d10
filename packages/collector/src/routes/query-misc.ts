import type { FastifyInstance } from 'fastify'
import type { EvaluationQuery, SessionQuery } from '../store/store.js'
import type { QueryString } from './query-params.js'
import { limit, spanId, takes, text, time, traceId, withDefined } from './query-params.js'
import type { RouteDeps } from './route-deps.js'

/**
 * `GET /api/evaluations`, `/api/sessions`, `/api/sessions/:sessionId`, `/api/stats`,
 * `/api/apm/traces/:apmTraceId`.
 */
export function registerMiscQueryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/evaluations', takes('traceId', 'spanId', 'label', 'limit'), async (request) => {
    const query = request.query as QueryString
    const trace = text(query, 'traceId')
    const span = text(query, 'spanId')
    const evaluationQuery = withDefined<EvaluationQuery>(
      { limit: limit(query, 100) },
      {
        traceId: trace === undefined ? undefined : traceId(trace, 'traceId'),
        spanId: span === undefined ? undefined : spanId(span, 'spanId'),
        label: text(query, 'label'),
      },
    )
    return { evaluations: await deps.store.listEvaluations(evaluationQuery) }
  })

  app.get('/api/sessions', takes('mlApp', 'limit', 'cursor'), async (request) => {
    const query = request.query as QueryString
    const sessionQuery = withDefined<SessionQuery>(
      { limit: limit(query, 50) },
      { mlApp: text(query, 'mlApp'), cursor: text(query, 'cursor') },
    )
    return deps.store.listSessions(sessionQuery)
  })

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId', takes(), async (request, reply) => {
    const session = await deps.store.getSession(request.params.sessionId)
    return session ?? reply.code(404).send({ error: `session ${request.params.sessionId} not found` })
  })

  app.get('/api/stats', takes('since'), async (request) => {
    const sinceNs = time(request.query as QueryString, 'since', Date.now())
    return deps.store.stats(sinceNs === undefined ? {} : { sinceNs })
  })

  app.get<{ Params: { apmTraceId: string } }>(
    '/api/apm/traces/:apmTraceId',
    takes(),
    async (request, reply) => {
      const id = traceId(request.params.apmTraceId, 'apmTraceId')
      const trace = await deps.store.getApmTrace(id)
      return trace ?? reply.code(404).send({ error: `APM trace ${id} not found` })
    },
  )
}
