// Short programs in the apm-* modes: a script that ends without flush() still delivers its LLM spans
// (the exit hook flushes the APM stream first, then the LLMObs one), in auto mode too, where the
// spans ended before the agent answered /info and waited as records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { runModule } from '../helpers/run-module.js'
import { ensureSdkBuilt } from './context-helpers.js'

let collector: CollectorProcess
beforeAll(async () => {
  await ensureSdkBuilt()
  collector = await startCollectorProcess()
}, 120_000)
afterAll(async () => {
  await collector.stop()
})

function program(mode: string, service: string, traces: number): string {
  return `
import { llmobs } from '@llmobs/sdk'
llmobs.init({ mlApp: 'exit-${mode}', service: '${service}', mode: '${mode}', agentUrl: '${collector.url}' })
for (let i = 0; i < ${traces}; i++) {
  llmobs.trace({ kind: 'workflow', name: 'run-' + i }, () => {
    llmobs.trace({ kind: 'llm', name: 'chat' }, (s) => s.annotate({ inputData: 'q', outputData: 'a' }))
  })
}
// no flush(): the program just ends
`
}

interface TraceList {
  traces: Array<{ traceId: string; spanCount: number }>
}
interface TraceDetail {
  spans: Array<{ apmSampled: boolean | null }>
}

describe('apm-* modes in a program that ends without flush()', () => {
  for (const mode of ['apm-agent', 'auto']) {
    it(`${mode}: every span arrives, inside its APM trace`, async () => {
      const { code, stderr } = await runModule(program(mode, 'exit-kept', 20))
      expect(stderr).toBe('')
      expect(code).toBe(0)
      const list = await collector.waitFor<TraceList>(
        `/api/traces?mlApp=exit-${mode}&limit=100`,
        (l) => l.traces.length === 20 && l.traces.every((t) => t.spanCount === 2),
      )
      for (const { traceId } of list.traces) {
        const detail = await collector.query<TraceDetail>(`/api/traces/${traceId}`)
        expect(detail.spans.map((s) => s.apmSampled)).toEqual([true, true])
      }
    })
  }
})
