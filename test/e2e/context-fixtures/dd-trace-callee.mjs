// The official dd-trace (5.132.0) as the called service: it extracts the headers llmobs.inject()
// wrote (argv[2], JSON) and traces an LLMObs span under them. Its events go to DD_TRACE_AGENT_URL.
import ddTrace from 'dd-trace'

const tracer = ddTrace.init({
  service: 'dd-callee',
  llmobs: { mlApp: 'dd-callee-app', agentlessEnabled: false },
  telemetry: { enabled: false },
  remoteConfig: { enabled: false },
  startupLogs: false,
})
const { llmobs } = tracer
const parent = tracer.extract('http_headers', JSON.parse(process.argv[2]))
const result = {}
tracer.trace('dd-server', { childOf: parent ?? undefined }, () => {
  llmobs.trace({ kind: 'tool', name: 'dd-callee' }, (span) => {
    result.callee = llmobs.exportSpan(span)
  })
})
llmobs.flush()
console.log('RESULT ' + JSON.stringify(result))
