import { describe, expect, it } from 'vitest'
import type { HeaderRecord } from '@llmobs/sdk'
import { setup } from '../support.js'

describe('inject / extract', () => {
  it('round-trips the active span: spans under the extracted context are its children', () => {
    const { llmobs, exporter } = setup()
    const headers: HeaderRecord = {}
    llmobs.trace({ kind: 'agent', name: 'caller', sessionId: 's-1' }, () => {
      expect(llmobs.inject(headers)).toBe(headers)
    })
    const caller = exporter.findSpan('caller')!
    expect(headers).toMatchObject({
      'x-datadog-trace-id': BigInt(`0x${caller._dd.apm_trace_id.slice(16)}`).toString(),
      'x-datadog-parent-id': caller.span_id,
      'x-datadog-sampling-priority': '1',
      traceparent: expect.stringMatching(new RegExp(`^00-${caller._dd.apm_trace_id}-[0-9a-f]{16}-01$`)),
    })
    expect(String(headers['x-datadog-tags'])).toContain(`_dd.p.llmobs_parent_id=${caller.span_id}`)
    const ctx = llmobs.extract(headers)
    expect(ctx).toMatchObject({
      spanId: caller.span_id,
      traceId: caller.trace_id,
      apmTraceId: caller._dd.apm_trace_id,
      apmParentId: caller.span_id,
      mlApp: 'test',
      sessionId: 's-1',
      agent: { name: 'caller', spanId: caller.span_id },
    })
    llmobs.withContext(ctx, () => llmobs.trace({ kind: 'tool', name: 'callee' }, () => 1))
    const callee = exporter.findSpan('callee')!
    expect(callee.parent_id).toBe(caller.span_id)
    expect(callee.trace_id).toBe(caller.trace_id)
    expect(callee._dd.apm_trace_id).toBe(caller._dd.apm_trace_id)
    expect(callee.session_id).toBe('s-1')
    expect(callee.meta.agent_attribution).toEqual({ pagent_name: 'caller', pagent_span_id: caller.span_id })
  })

  it('an APM-only upstream gives an LLMObs root that keeps the APM trace id', () => {
    const { llmobs, exporter } = setup()
    const ctx = llmobs.extract({
      traceparent: '00-6b03fc19000000007953b531107242bf-0abfe71cd4b34a20-01',
    })
    expect(ctx).toEqual({
      apmTraceId: '6b03fc19000000007953b531107242bf',
      apmParentId: BigInt('0x0abfe71cd4b34a20').toString(),
      upstream: { samplingPriority: 1 },
    })
    llmobs.withContext(ctx, () => llmobs.trace({ kind: 'workflow', name: 'root' }, () => 1))
    const root = exporter.findSpan('root')!
    expect(root.parent_id).toBe('undefined')
    expect(root._dd.apm_trace_id).toBe('6b03fc19000000007953b531107242bf')
    expect(root.trace_id).not.toBe('6b03fc19000000007953b531107242bf')
  })

  it('forwards what upstream decided (priority, origin, tags) and names the remote parent while no local span is active', () => {
    const { llmobs } = setup()
    const ctx = llmobs.extract({
      'x-datadog-trace-id': '8742106151593240255',
      'x-datadog-parent-id': '774591771944634912',
      'x-datadog-sampling-priority': '2',
      'x-datadog-origin': 'rum',
      'x-datadog-tags': '_dd.p.tid=6b03fc1900000000,_dd.p.dm=-4,_dd.p.usr.id=dXNlcg==',
    })
    const passThrough: HeaderRecord = {}
    llmobs.withContext(ctx, () => llmobs.inject(passThrough))
    expect(passThrough).toMatchObject({
      'x-datadog-parent-id': '774591771944634912',
      'x-datadog-sampling-priority': '2',
      'x-datadog-origin': 'rum',
    })
    const fromSpan: HeaderRecord = {}
    llmobs.withContext(ctx, () =>
      llmobs.trace({ kind: 'workflow', name: 'local' }, (span) => {
        llmobs.inject(fromSpan)
        expect(fromSpan['x-datadog-parent-id']).toBe(span.spanId)
      }),
    )
    expect(fromSpan).toMatchObject({ 'x-datadog-sampling-priority': '2', 'x-datadog-origin': 'rum' })
    const tags = String(fromSpan['x-datadog-tags'])
    expect(tags).toContain('_dd.p.tid=6b03fc1900000000')
    expect(tags).toContain('_dd.p.dm=-4')
    expect(tags).toContain('_dd.p.usr.id=dXNlcg==')
  })

  it('keeps x-datadog-tags within 512 bytes by trimming optional entries, never the ids', () => {
    const { llmobs } = setup()
    const headers: HeaderRecord = {}
    llmobs.trace(
      { kind: 'agent', name: 'a'.repeat(200), mlApp: 'm'.repeat(420), sessionId: 's'.repeat(100) },
      () => llmobs.inject(headers),
    )
    const tags = String(headers['x-datadog-tags'])
    expect(tags.length).toBeLessThanOrEqual(512)
    expect(tags).toMatch(/_dd\.p\.tid=[0-9a-f]{16}/)
    expect(tags).toMatch(/_dd\.p\.llmobs_parent_id=\d+/)
    expect(tags).toMatch(/_dd\.p\.llmobs_trace_id=\d+/)
    expect(tags).not.toContain('llmobs_ml_app')
  })

  it('injects for an explicit span, into a fetch Headers; outside any span writes nothing', () => {
    const { llmobs, warnings } = setup()
    const span = llmobs.startSpan({ kind: 'task', name: 't' })
    const headers = llmobs.inject(new Headers(), span)
    expect(headers.get('x-datadog-parent-id')).toBe(span.spanId)
    span.end()
    const empty: HeaderRecord = {}
    llmobs.inject(empty)
    expect(empty).toEqual({})
    llmobs.inject(42 as never)
    expect(warnings()).toEqual([
      'inject() needs a plain headers object to write into, got number; nothing was injected. [invalid_headers]',
    ])
    expect(llmobs.extract({})).toBeUndefined()
    expect(llmobs.extract(undefined)).toBeUndefined()
  })
})

describe('hostile input never throws into the caller', () => {
  it('a frozen headers object, a context with a throwing getter, an emitter whose patching fails', () => {
    const { llmobs, errors } = setup()
    const frozen = Object.freeze({}) as HeaderRecord
    const hostile = {
      get spanId(): string {
        throw new Error('getter')
      },
    }
    const emitter = new Proxy(
      new (class {
        on(): void {}
        removeListener(): void {}
      })(),
      {
        defineProperty() {
          throw new Error('no')
        },
      },
    )
    llmobs.trace({ kind: 'task', name: 't' }, () => {
      expect(llmobs.inject(frozen)).toBe(frozen)
      expect(llmobs.withContext(hostile as never, () => 'ran')).toBe('ran')
      expect(llmobs.bindEmitter(emitter)).toBe(emitter)
    })
    expect(errors()).toEqual([
      expect.stringMatching(/^inject\(\) could not write the headers: TypeError/),
      'withContext() could not read the context; fn ran without it: Error: getter',
      expect.stringMatching(
        /^bindEmitter\(\) could not patch the emitter; it was returned unchanged: (Error: no|TypeError)/,
      ),
    ])
  })
})

describe('links at span start', () => {
  it('startSpan({ links }) emits span_links; bad links are reported and left out', () => {
    const { llmobs, exporter, warnings } = setup()
    const a = llmobs.startSpan({ kind: 'task', name: 'a' })
    const b = llmobs.startSpan({ kind: 'task', name: 'b' })
    const c = llmobs.startSpan({
      kind: 'task',
      name: 'c',
      links: [
        { span: a },
        { exportedSpan: llmobs.exportSpan(b)!, from: 'input', to: 'output' },
        { span: 'x' as never },
      ],
    })
    for (const span of [a, b, c]) span.end()
    expect(exporter.findSpan('c')?.span_links).toEqual([
      { trace_id: a.traceId, span_id: a.spanId, attributes: { from: 'output', to: 'input' } },
      { trace_id: b.traceId, span_id: b.spanId, attributes: { from: 'input', to: 'output' } },
    ])
    expect(exporter.findSpan('a')?.span_links).toBeUndefined()
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toMatch(/^links\[\]\.span must be a span/)
  })
})
