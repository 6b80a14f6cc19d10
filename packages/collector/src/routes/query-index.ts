import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import type { QueryRouteConfig, QueryString } from './query-params.js'
import { BadParam, takes } from './query-params.js'

/** One query endpoint, as `GET /api` lists it. */
export interface QueryEndpoint {
  method: 'GET'
  /** Fastify's path, path parameters as `:name`. */
  path: string
  /** The query-string parameters it takes, in declaration order. */
  params: string[]
}

const isQueryPath = (url: string): boolean => url === '/api' || url.startsWith('/api/')

function takesGet(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  return methods.includes('GET')
}

/**
 * The query API's self-description and its parameter check, in one place so they cannot disagree:
 * every `GET` route under `/api` registered after this call is listed by `GET /api` with the
 * parameters its `takes(...)` declares, and a request naming any other parameter is a 400 that
 * says what the endpoint takes. Register it before the query routes.
 */
export function registerQueryIndex(app: FastifyInstance): void {
  const endpoints: QueryEndpoint[] = []

  app.addHook('onRoute', (route) => {
    if (!takesGet(route) || !isQueryPath(route.url)) return
    const params = [...((route.config as Partial<QueryRouteConfig> | undefined)?.queryParams ?? [])]
    endpoints.push({ method: 'GET', path: route.url, params })
    const known = new Set(params)
    const check = async (request: FastifyRequest): Promise<void> => {
      const unknown = Object.keys(request.query as QueryString).filter((name) => !known.has(name))
      if (unknown.length === 0) return
      const taken = params.length === 0 ? 'no parameters' : params.join(', ')
      throw new BadParam(`unknown parameter ${unknown.join(', ')}: GET ${route.url} takes ${taken}`)
    }
    const existing = route.preValidation ?? []
    route.preValidation = [...(Array.isArray(existing) ? existing : [existing]), check]
  })

  app.get('/api', takes(), async () => ({ endpoints }))
}
