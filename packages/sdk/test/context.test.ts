import { createLLMObs, type Span } from '@llmobs/sdk'
import { TestExporter } from '@llmobs/sdk/testing'
import { describe, expect, it } from 'vitest'
import { setup, tick, waitFor } from './support.js'

const SPAN_ID = /^[1-9][0-9]{0,19}$/
const TRACE_ID = /^[0-9a-f]{8}00000000[0-9a-f]{16}$/

describe('context: parents, traces, inheritance', () => {
  it('nests across await and gives Promise.all siblings the right parent', async () => {
    const { llmobs, exporter } = setup()
    await llmobs.trace({ kind: 'workflow', name: 'root' }, async () => {
      await tick()
      await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          llmobs.trace({ kind: 'task', name }, async () => {
            await tick()
            await llmobs.trace({ kind: 'tool', name: `${name}-child` }, async () => tick())
          }),
        ),
      )
      await llmobs.trace({ kind: 'task', name: 'after' }, () => tick())
    })
    const root = exporter.findSpan('root')!
    expect(root.parent_id).toBe('undefined')
    for (const name of ['a', 'b', 'c', 'after']) expect(exporter.findSpan(name)?.parent_id).toBe(root.span_id)
    for (const name of ['a', 'b', 'c']) {
      expect(exporter.findSpan(`${name}-child`)?.parent_id).toBe(exporter.findSpan(name)?.span_id)
    }
    const traceIds = new Set(exporter.events.map((e) => e.trace_id))
    const apmTraceIds = new Set(exporter.events.map((e) => e._dd.apm_trace_id))
    expect(traceIds.size).toBe(1)
    expect(apmTraceIds.size).toBe(1)
    for (const event of exporter.events) {
      expect(event.span_id).toMatch(SPAN_ID)
      expect(event._dd.span_id).toBe(event.span_id)
      expect(event.trace_id).toMatch(TRACE_ID)
      expect(event._dd.trace_id).toBe(event._dd.apm_trace_id)
      expect(event._dd.apm_trace_id).toMatch(TRACE_ID)
    }
    expect(root.trace_id).not.toBe(root._dd.apm_trace_id)
    expect(new Set(exporter.events.map((e) => e.span_id)).size).toBe(exporter.events.length)
  })

  it('starts a new LLMObs trace (and APM trace) for every root', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'task', name: 'one' }, () => 1)
    llmobs.trace({ kind: 'task', name: 'two' }, () => 2)
    const [one, two] = [exporter.findSpan('one')!, exporter.findSpan('two')!]
    expect(one.trace_id).not.toBe(two.trace_id)
    expect(one._dd.apm_trace_id).not.toBe(two._dd.apm_trace_id)
    expect(parseInt(one.trace_id.slice(0, 8), 16)).toBeCloseTo(Date.now() / 1000, -1)
  })

  it('inherits ml_app and session id from the parent; a child may override them', () => {
    const { llmobs, exporter } = setup({ mlApp: 'config-app' })
    llmobs.trace({ kind: 'workflow', name: 'p', mlApp: 'parent-app', sessionId: 's1' }, () => {
      llmobs.trace({ kind: 'task', name: 'inherits' }, () => 1)
      llmobs.trace({ kind: 'task', name: 'overrides', mlApp: 'own-app', sessionId: 's2' }, () => {
        llmobs.trace({ kind: 'task', name: 'grandchild' }, () => 1)
      })
    })
    llmobs.trace({ kind: 'task', name: 'unrelated' }, () => 1)
    expect(exporter.findSpan({ name: 'inherits', mlApp: 'parent-app', sessionId: 's1' })).toBeDefined()
    expect(exporter.findSpan({ name: 'overrides', mlApp: 'own-app', sessionId: 's2' })).toBeDefined()
    expect(exporter.findSpan({ name: 'grandchild', mlApp: 'own-app', sessionId: 's2' })).toBeDefined()
    const unrelated = exporter.findSpan('unrelated')!
    expect(unrelated.tags).toContain('ml_app:config-app')
    expect(unrelated.session_id).toBeUndefined()
  })

  it('decides sampling once per root; children inherit it', () => {
    const { llmobs, exporter } = setup({ sampleRate: 0.5 })
    for (let i = 0; i < 40; i++) {
      llmobs.trace({ kind: 'workflow', name: `root-${i}` }, () => {
        llmobs.trace({ kind: 'task', name: `child-${i}` }, () => 1)
      })
    }
    const decisions = new Set<string>()
    for (let i = 0; i < 40; i++) {
      const root = exporter.findSpan(`root-${i}`)!
      const child = exporter.findSpan(`child-${i}`)!
      expect(root._dd.sample_rate).toBe('0.5')
      expect(child._dd.sampling_decision).toBe(root._dd.sampling_decision)
      decisions.add(root._dd.sampling_decision ?? '')
    }
    // The client never drops: 80 events for 80 spans, with both decisions present.
    expect(exporter.events).toHaveLength(80)
    expect([...decisions].sort()).toEqual(['0', '1'])
  })

  it('gives background work started inside a span that span as parent, even after it ended', async () => {
    const { llmobs, exporter } = setup()
    let background!: Promise<unknown>
    llmobs.trace({ kind: 'workflow', name: 'wf', sessionId: 'sess-1' }, () => {
      background = new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        llmobs.trace({ kind: 'task', name: 'bg-task' }, () => 'done'),
      )
    })
    const wf = exporter.findSpan('wf')!
    expect(wf).toBeDefined()
    await background
    const task = exporter.findSpan('bg-task')!
    expect(task.parent_id).toBe(wf.span_id)
    expect(task.trace_id).toBe(wf.trace_id)
    expect(task.session_id).toBe('sess-1')
  })

  it('takes an explicit parent: a span handle or an exported span', () => {
    const { llmobs, exporter } = setup()
    const parent = llmobs.startSpan({ kind: 'agent', name: 'manual-parent', sessionId: 's' })
    llmobs.trace({ kind: 'tool', name: 'handle-child', parent }, () => 1)
    const child = llmobs.startSpan({
      kind: 'task',
      name: 'exported-child',
      parent: llmobs.exportSpan(parent),
    })
    child.end()
    parent.end()
    const parentEvent = exporter.findSpan('manual-parent')!
    const viaHandle = exporter.findSpan('handle-child')!
    const viaExport = exporter.findSpan('exported-child')!
    expect(viaHandle.parent_id).toBe(parentEvent.span_id)
    expect(viaHandle.session_id).toBe('s')
    expect(viaHandle.meta.agent_attribution).toEqual({
      pagent_name: 'manual-parent',
      pagent_span_id: parentEvent.span_id,
    })
    expect(viaExport.parent_id).toBe(parentEvent.span_id)
    expect(viaExport.trace_id).toBe(parentEvent.trace_id)
    // A bare { spanId, traceId } carries no APM trace id: the LLMObs one stands in for it.
    expect(viaExport._dd.apm_trace_id).toBe(parentEvent.trace_id)
  })

  it('startSpan does not change the active span', () => {
    const { llmobs } = setup()
    llmobs.trace({ kind: 'workflow', name: 'outer' }, (outer) => {
      const manual = llmobs.startSpan({ kind: 'task' })
      expect(llmobs.activeSpan()).toBe(outer)
      expect(manual.parentId).toBe(outer.spanId)
      manual.end()
    })
    expect(llmobs.activeSpan()).toBeUndefined()
  })

  it('attributes spans to their nearest agent ancestor', () => {
    const { llmobs, exporter } = setup()
    llmobs.trace({ kind: 'agent', name: 'outer-agent' }, () => {
      llmobs.trace({ kind: 'workflow', name: 'step' }, () => {
        llmobs.trace({ kind: 'agent', name: 'inner-agent' }, () => {
          llmobs.trace({ kind: 'tool', name: 'leaf' }, () => 1)
        })
      })
    })
    const outer = exporter.findSpan('outer-agent')!
    const inner = exporter.findSpan('inner-agent')!
    expect(outer.meta.agent_attribution).toBeUndefined()
    expect(exporter.findSpan('step')?.meta.agent_attribution).toEqual({
      pagent_name: 'outer-agent',
      pagent_span_id: outer.span_id,
    })
    expect(inner.meta.agent_attribution).toEqual({
      pagent_name: 'outer-agent',
      pagent_span_id: outer.span_id,
    })
    expect(exporter.findSpan('leaf')?.meta.agent_attribution).toEqual({
      pagent_name: 'inner-agent',
      pagent_span_id: inner.span_id,
    })
  })

  it('keeps two instances apart: their spans never nest into each other', () => {
    const a = setup()
    const exporterB = new TestExporter()
    const b = createLLMObs({ mlApp: 'b', exporter: exporterB })
    a.llmobs.trace({ kind: 'workflow', name: 'a-root' }, () => {
      b.trace({ kind: 'task', name: 'b-span' }, () => {
        expect(b.activeSpan()?.name).toBe('b-span')
        expect(a.llmobs.activeSpan()?.name).toBe('a-root')
      })
    })
    expect(exporterB.findSpan('b-span')?.parent_id).toBe('undefined')
  })

  it('activeSpan is the innermost span, and undefined outside', async () => {
    const { llmobs } = setup()
    let seen: Span | undefined
    await llmobs.trace({ kind: 'workflow', name: 'w' }, async (span) => {
      await tick()
      seen = llmobs.activeSpan()
      expect(seen).toBe(span)
    })
    expect(seen?.name).toBe('w')
    expect(llmobs.activeSpan()).toBeUndefined()
  })

  it('timers and event callbacks started in a span see it as active', async () => {
    const { llmobs, exporter } = setup()
    let fired = false
    llmobs.trace({ kind: 'workflow', name: 'timer-parent' }, () => {
      setTimeout(() => {
        llmobs.trace({ kind: 'task', name: 'timer-child' }, () => 1)
        fired = true
      }, 1)
    })
    await waitFor(() => fired)
    expect(exporter.findSpan('timer-child')?.parent_id).toBe(exporter.findSpan('timer-parent')?.span_id)
  })
})
