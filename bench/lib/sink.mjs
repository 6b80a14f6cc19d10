// A stand-in Datadog Agent for benchmarks: answers like an agent and counts what arrives, nothing
// more. It runs in its own process so its CPU never lands on the measured tracer's bill.
import http from 'node:http'
import zlib from 'node:zlib'
import { decode } from '@msgpack/msgpack'

const counts = {
  llmobsEvents: 0,
  llmobsRequests: 0,
  evalMetrics: 0,
  apmRequests: 0,
  apmSpans: 0,
  /** LLMObs events that rode APM traces (meta_struct._llmobs on a span not marked submitted). */
  llmobsInTraces: 0,
  bytes: 0,
}

function countTraces(body) {
  for (const chunk of decode(body, { useBigInt64: true })) {
    for (const span of chunk) {
      counts.apmSpans++
      if (span.meta_struct?._llmobs !== undefined && span.meta?.['_dd.llmobs.submitted'] !== '1') {
        counts.llmobsInTraces++
        counts.llmobsEvents++
      }
    }
  }
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let body = Buffer.concat(chunks)
    counts.bytes += body.length
    if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body)
    const url = req.url ?? '/'
    if (url === '/_bench/counts') return reply(res, counts)
    if (url === '/_bench/reset') {
      for (const key of Object.keys(counts)) counts[key] = 0
      return reply(res, counts)
    }
    if (url === '/info')
      return reply(res, { version: '7.99.0', endpoints: ['/v0.4/traces', '/evp_proxy/v2/'] })
    if (url.endsWith('/api/v2/llmobs')) {
      counts.llmobsRequests++
      counts.llmobsEvents += JSON.parse(body.toString('utf8')).length
      return reply(res, {})
    }
    if (url.includes('eval-metric')) {
      counts.evalMetrics += JSON.parse(body.toString('utf8')).data.attributes.metrics.length
      return reply(res, {})
    }
    if (url.startsWith('/v0.4/traces') || url.startsWith('/v0.5/traces')) {
      counts.apmRequests++
      if (url.startsWith('/v0.4/traces')) countTraces(body)
      return reply(res, { rate_by_service: { 'service:,env:': 1 } })
    }
    reply(res, {})
  })
})

function reply(res, body) {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

server.keepAliveTimeout = 30_000
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
