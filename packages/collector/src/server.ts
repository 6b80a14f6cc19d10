import Fastify from 'fastify'
import type { FastifyError, FastifyInstance } from 'fastify'
import { createApiKeyCheck } from './auth.js'
import { registerEvaluationRoutes } from './routes/evaluations.js'
import { registerInfoRoute } from './routes/info.js'
import { registerSpanEventRoutes } from './routes/llmobs-events.js'
import { registerMiscQueryRoutes } from './routes/query-misc.js'
import { registerQueryIndex } from './routes/query-index.js'
import { BadParam } from './routes/query-params.js'
import { registerTraceQueryRoutes } from './routes/query-traces.js'
import { registerQuietRoutes } from './routes/quiet.js'
import type { RouteDeps } from './routes/route-deps.js'
import { StoreUnavailableError } from './store/store-unavailable-error.js'
import { registerAgentlessTraceRoute } from './routes/traces-agentless.js'
import { registerApmTraceRoutes } from './routes/traces-apm.js'

export interface ServerOptions extends RouteDeps {
  apiKey: string | null
  /** Called with errors that are the collector's fault (500s), for the operator's log. */
  onInternalError?: (error: Error) => void
}

/**
 * Assembles the HTTP app: every body is read raw (the intake routes decode msgpack or JSON themselves,
 * after decompressing), the body limit answers 413, errors answer `{"error": "..."}` with a status
 * that says whose fault it is (503 + Retry-After while the store restarts), and with an API key
 * configured every request must carry it.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimit, logger: false, return503OnClosing: true })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  if (options.apiKey !== null) {
    const check = createApiKeyCheck(options.apiKey)
    app.addHook('onRequest', async (request, reply) => {
      if (!check(request.headers)) {
        return reply
          .code(401)
          .send({ error: 'missing or wrong API key: send it as DD-API-KEY or Authorization: Bearer <key>' })
      }
    })
  }

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?')[0] ?? ''}` })
  })

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof BadParam) return reply.code(400).send({ error: error.message })
    // The store is restarting (its worker stopped): not the sender's fault, and retrying is safe. The
    // connection closes too: if the collector is about to exit, it need not wait for keep-alives.
    if (error instanceof StoreUnavailableError) {
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .header('connection', 'close')
        .send({ error: error.message })
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `body is larger than the ${options.bodyLimit}-byte limit` })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message })
    options.onInternalError?.(error)
    return reply.code(500).send({ error: `internal error: ${error.message}` })
  })

  // First: it watches the query routes being registered (listing them, checking their parameters).
  registerQueryIndex(app)
  registerInfoRoute(app, options)
  registerApmTraceRoutes(app, options)
  registerAgentlessTraceRoute(app, options)
  registerSpanEventRoutes(app, options)
  registerEvaluationRoutes(app, options)
  registerQuietRoutes(app)
  registerTraceQueryRoutes(app, options)
  registerMiscQueryRoutes(app, options)
  return app
}
