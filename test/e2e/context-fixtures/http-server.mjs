// An HTTP service in its own process: each request continues the caller's trace from its headers.
// Flushes before answering so the caller can look at the collector at once. argv: agentUrl mlApp
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLLMObs } from '../../../packages/sdk/dist/index.js'

const [agentUrl, mlApp] = process.argv.slice(2)
const llmobs = createLLMObs({ agentUrl, mode: 'agent-proxy', mlApp })

const server = http.createServer((req, res) => {
  if (req.url === '/exit') {
    res.end('bye')
    server.close()
    return
  }
  void llmobs.withContext(llmobs.extract(req.headers), async () => {
    const ids = await llmobs.trace({ kind: 'workflow', name: 'server-handler' }, async (span) => {
      await sleep(2)
      await llmobs.trace({ kind: 'retrieval', name: 'server-search' }, () => sleep(2))
      // Downstream call headers, as this service would send them.
      return { handler: llmobs.exportSpan(span), downstream: llmobs.inject({}) }
    })
    await llmobs.flush()
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(ids))
  })
})
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`))
