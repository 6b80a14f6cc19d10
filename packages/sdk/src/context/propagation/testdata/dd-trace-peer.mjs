// A real dd-trace (the devDependency) on the other side of a process hop, for the interop tests.
// argv[2] is a JSON command; the last stdout line is the JSON answer. A stand-in agent on
// 127.0.0.1 (port 0) answers the tracer and hands over the LLMObs span events it receives.
//   {"mode":"inject","mlApp":"x","sessionId":"s"}  -> headers dd-trace injects inside agent > workflow LLMObs spans
//   {"mode":"extract","headers":{...}}             -> what dd-trace extracts, and the LLMObs event of a child span
import { Buffer } from 'node:buffer'
import http from 'node:http'
import { setTimeout } from 'node:timers'
import ddTrace from 'dd-trace'

const command = JSON.parse(process.argv[2])
const events = []
let onEvent = () => {}

const agent = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    if (req.url.endsWith('/api/v2/llmobs')) {
      events.push(...JSON.parse(Buffer.concat(chunks).toString('utf8')))
      onEvent()
    }
    res.setHeader('content-type', 'application/json')
    res.end(req.url === '/info' ? JSON.stringify({ endpoints: ['/v0.4/traces', '/evp_proxy/v2/'] }) : '{}')
  })
})

function answer(result) {
  process.stdout.write('\n' + JSON.stringify(result) + '\n')
  process.exit(0)
}

agent.listen(0, '127.0.0.1', () => {
  const tracer = ddTrace.init({
    hostname: '127.0.0.1',
    port: agent.address().port,
    service: 'peer-svc',
    telemetry: { enabled: false },
    remoteConfig: { enabled: false },
    startupLogs: false,
    llmobs: { mlApp: command.mlApp ?? 'peer-app', agentlessEnabled: false },
  })
  const llmobs = tracer.llmobs

  if (command.mode === 'inject') {
    const result = {}
    llmobs.trace({ kind: 'agent', name: 'planner', sessionId: command.sessionId }, (agentSpan) => {
      result.agent = llmobs.exportSpan(agentSpan)
      llmobs.trace({ kind: 'workflow', name: 'wf' }, (span) => {
        const headers = {}
        tracer.inject(span, 'http_headers', headers)
        result.headers = headers
        result.exported = llmobs.exportSpan(span)
        result.apmTraceId = span.context().toTraceId(true)
        result.apmSpanId = span.context().toSpanId()
      })
    })
    answer(result)
    return
  }

  const context = tracer.extract('http_headers', command.headers)
  const result = {
    extracted: context && {
      traceId: context.toTraceId(true),
      spanId: context.toSpanId(),
      priority: context._sampling.priority,
      origin: context._trace.origin,
      tags: context._trace.tags,
    },
  }
  tracer.trace('server', { childOf: context ?? undefined }, () => {
    llmobs.trace({ kind: 'task', name: 'downstream' }, (span) => {
      result.exported = llmobs.exportSpan(span)
      const headers = {}
      tracer.inject(span, 'http_headers', headers)
      result.reinjected = headers
    })
  })
  onEvent = () => {
    result.events = events
    answer(result)
  }
  llmobs.flush()
  setTimeout(() => answer({ ...result, events: 'no LLMObs event within 10 s' }), 10_000).unref()
})
