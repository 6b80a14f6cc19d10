// The official dd-trace (5.132.0) as the calling service: inside an LLMObs agent > workflow span it
// injects its headers with tracer.inject and calls our service over HTTP. Its own spans go to the
// same collector (DD_TRACE_AGENT_URL), so the whole tree can be checked there. argv: url mlApp
import http from 'node:http'
import ddTrace from 'dd-trace'

const tracer = ddTrace.init({
  service: 'dd-caller',
  llmobs: { mlApp: process.argv[3], agentlessEnabled: false },
  telemetry: { enabled: false },
  remoteConfig: { enabled: false },
  startupLogs: false,
})
// Only tracer.inject's headers travel (the http plugin would inject its own client span).
tracer.use('http', false)
const { llmobs } = tracer

function call(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve(JSON.parse(body)))
    })
    req.on('error', reject)
    req.end()
  })
}

async function main() {
  const result = {}
  await llmobs.trace({ kind: 'agent', name: 'dd-agent', sessionId: 'dd-session' }, async (agent) => {
    result.agent = llmobs.exportSpan(agent)
    await llmobs.trace({ kind: 'workflow', name: 'dd-workflow' }, async (span) => {
      result.workflow = llmobs.exportSpan(span)
      result.apmTraceId = span.context().toTraceId(true)
      const headers = {}
      tracer.inject(span, 'http_headers', headers)
      result.headers = headers
      result.reply = await call(process.argv[2], headers)
    })
  })
  llmobs.flush()
  console.log('RESULT ' + JSON.stringify(result))
}
await main()
