import type { FastifyInstance } from 'fastify'
import type { TraceQuery } from '../store/store.js'
import type { QueryString } from './query-params.js'
import { bool, limit, spanId, takes, text, time, traceId, withDefined } from './query-params.js'
import type { RouteDeps } from './route-deps.js'

/** `GET /api/traces`, `/api/traces/:traceId`, `/api/spans/:spanId`. */
export function registerTraceQueryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const traceListParams = takes(
    'mlApp',
    'sessionId',
    'kind',
    'error',
    'q',
    'since',
    'until',
    'limit',
    'cursor',
  )
  app.get('/api/traces', traceListParams, async (request) => {
    const query = request.query as QueryString
    const now = Date.now()
    const traceQuery: TraceQuery = withDefined<TraceQuery>(
      { limit: limit(query, 50) },
      {
        mlApp: text(query, 'mlApp'),
        sessionId: text(query, 'sessionId'),
        kind: text(query, 'kind'),
        error: bool(query, 'error'),
        q: text(query, 'q'),
        sinceNs: time(query, 'since', now),
        untilNs: time(query, 'until', now),
        cursor: text(query, 'cursor'),
      },
    )
    return deps.store.listTraces(traceQuery)
  })

  app.get<{ Params: { traceId: string } }>('/api/traces/:traceId', takes(), async (request, reply) => {
    const id = traceId(request.params.traceId, 'traceId')
    const trace = await deps.store.getTrace(id)
    return trace ?? reply.code(404).send({ error: `trace ${id} not found` })
  })

  app.get<{ Params: { spanId: string } }>('/api/spans/:spanId', takes(), async (request, reply) => {
    const id = spanId(request.params.spanId, 'spanId')
    const span = await deps.store.getSpan(id)
    return span ?? reply.code(404).send({ error: `span ${id} not found` })
  })
}
