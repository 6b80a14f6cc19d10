import { createLLMObs, llmobs as defaultInstance, type Exporter, type FlushResult } from '@llmobs/sdk'
import { createTestLLMObs, TestExporter } from '@llmobs/sdk/testing'
import { describe, expect, it } from 'vitest'
import { createLLMObsWithEnv, createUninitializedLLMObs } from '../src/llmobs.js'
import { setup, tick } from './support.js'

const ZERO: FlushResult = {
  spans: { sent: 0, failed: 0, dropped: 0 },
  evaluations: { sent: 0, failed: 0, dropped: 0 },
}

describe('the default instance before init()', () => {
  it('runs functions unchanged, sends nothing yet, flushes zero', async () => {
    expect(defaultInstance.enabled).toBe(false)
    const result = { value: 1 }
    expect(
      defaultInstance.trace({ kind: 'task' }, (span) => {
        span.annotate({ inputData: 'ignored' })
        return result
      }),
    ).toBe(result)
    const wrapped = defaultInstance.wrap({ kind: 'task' }, (a: number, b: number) => a * b)
    expect(wrapped(3, 4)).toBe(12)
    const error = new Error('still thrown')
    expect(() =>
      defaultInstance.trace({ kind: 'task' }, () => {
        throw error
      }),
    ).toThrow(error)
    expect(defaultInstance.activeSpan()).toBeUndefined()
    expect(defaultInstance.exportSpan()).toBeUndefined()
    const span = defaultInstance.startSpan({ kind: 'tool' })
    span.end()
    defaultInstance.submitEvaluation(span, { label: 'x', metricType: 'score', value: 1 })
    expect(await defaultInstance.flush()).toEqual(ZERO)
  })

  it('holds spans and evaluations traced before init() and sends them once init() runs', () => {
    const instance = createUninitializedLLMObs()
    const early = instance.wrap({ kind: 'tool', name: 'early' }, (a: number) => a + 1)
    expect(early(1)).toBe(2)
    const span = instance.startSpan({ kind: 'workflow', name: 'early-root' })
    instance.submitEvaluation(span, { label: 'early-eval', metricType: 'score', value: 1 })
    span.end()
    const exporter = new TestExporter()
    instance.init({
      mlApp: 'late-init',
      exporter,
      processor: (r) => ({ ...r, tags: { ...r.tags, seen: 'yes' } }),
    })
    expect(exporter.events.map((e) => e.name).sort()).toEqual(['early', 'early-root'])
    // The ml_app and the processor are those init() was given.
    expect(exporter.findSpan('early')?.tags).toEqual(expect.arrayContaining(['ml_app:late-init', 'seen:yes']))
    expect(exporter.findSpan('early')?.meta.output).toEqual({ value: '2' })
    expect(exporter.findEvaluations('early-eval')[0]?.ml_app).toBe('late-init')
  })

  it('after shutdown() it stays untraced: nothing is held for a later init()', async () => {
    const exporter = new TestExporter()
    const instance = createLLMObs({ exporter, mlApp: 'x' })
    await instance.shutdown()
    instance.trace({ kind: 'task', name: 'after-shutdown' }, () => 1)
    const second = new TestExporter()
    instance.init({ exporter: second, mlApp: 'y' })
    expect(second.events).toHaveLength(0)
  })

  it('is one instance per process, shared by every copy of the module', async () => {
    const again = await import('../src/llmobs.js')
    expect(again.llmobs).toBe(defaultInstance)
  })
})

describe('init, flush and shutdown', () => {
  it('init() is idempotent: a second call is ignored with a warning', () => {
    const logs: string[] = []
    const exporter = new TestExporter()
    const instance = createLLMObs({ mlApp: 'first', exporter, logger: { warn: (m) => logs.push(m) } })
    instance.init({ mlApp: 'second' })
    instance.init()
    instance.trace({ kind: 'task', name: 't' }, () => 1)
    expect(exporter.findSpan('t')?.tags).toContain('ml_app:first')
    expect(logs).toEqual(['[llmobs] init() was already called; the options of this call were ignored.'])
  })

  it('a function wrapped before init() is traced once the instance is initialised', () => {
    const exporter = new TestExporter()
    // Shut down is the same state as not initialised yet: no runtime.
    const instance = createLLMObsWithEnv({ exporter: new TestExporter() }, {})
    void instance.shutdown()
    const fn = instance.wrap({ kind: 'task', name: 'early' }, () => 'x')
    fn()
    instance.init({ exporter, mlApp: 'late' })
    fn()
    expect(exporter.findSpans('early')).toHaveLength(1)
  })

  it('options win over the environment, which wins over defaults; config warnings are diagnostics', () => {
    const logs: string[] = []
    const exporter = new TestExporter()
    const instance = createLLMObsWithEnv(
      { mlApp: 'from-options', exporter, sampleRate: 5, logger: { warn: (m) => logs.push(m) } },
      { DD_LLMOBS_ML_APP: 'from-env', DD_ENV: 'env-env', DD_SERVICE: 'env-svc' },
    )
    instance.trace({ kind: 'task', name: 'configured' }, () => 1)
    const event = exporter.findSpan('configured')!
    expect(event.tags).toContain('ml_app:from-options')
    expect(logs).toEqual(['[llmobs] sampleRate 5 is outside [0, 1]; using 1.'])
  })

  it('flush() delegates to the exporter and returns its counts', async () => {
    const { llmobs } = setup()
    llmobs.trace({ kind: 'task' }, () => 1)
    llmobs.submitEvaluation({ tag: { key: 'k', value: 'v' } }, { label: 'l', metricType: 'score', value: 1 })
    expect(await llmobs.flush({ timeoutMs: 1000 })).toEqual({
      spans: { sent: 1, failed: 0, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })
  })

  it('shutdown() is idempotent; afterwards functions run untraced', async () => {
    const calls: string[] = []
    const exporter: Exporter = {
      exportSpan: () => calls.push('span'),
      exportEvaluation: () => calls.push('evaluation'),
      flush: () => Promise.resolve(ZERO),
      shutdown: () => {
        calls.push('shutdown')
        return Promise.resolve(ZERO)
      },
    }
    const instance = createLLMObs({ mlApp: 'x', exporter })
    const first = instance.shutdown()
    const second = instance.shutdown()
    expect(await first).toEqual(ZERO)
    expect(await second).toEqual(ZERO)
    expect(instance.enabled).toBe(false)
    expect(instance.trace({ kind: 'task' }, () => 'untraced')).toBe('untraced')
    expect(calls).toEqual(['shutdown'])
  })

  it('survives an exporter that throws or rejects', async () => {
    const logs: string[] = []
    const exporter: Exporter = {
      exportSpan: () => {
        throw new Error('export broke')
      },
      exportEvaluation: () => {
        throw new Error('eval broke')
      },
      flush: () => Promise.reject(new Error('flush broke')),
      shutdown: () => Promise.reject(new Error('shutdown broke')),
    }
    const instance = createLLMObs({ mlApp: 'x', exporter, logger: { error: (m) => logs.push(m) } })
    expect(instance.trace({ kind: 'task', name: 'n' }, () => 'ok')).toBe('ok')
    instance.submitEvaluation(
      { tag: { key: 'k', value: 'v' } },
      { label: 'l', metricType: 'score', value: 1 },
    )
    expect(await instance.flush()).toEqual(ZERO)
    expect(await instance.shutdown()).toEqual(ZERO)
    expect(logs).toHaveLength(4)
  })

  it('createTestLLMObs ignores the environment and finds spans', async () => {
    const { llmobs, exporter } = createTestLLMObs({ mlApp: 'unit', service: 'svc' })
    await llmobs.trace({ kind: 'workflow', name: 'top' }, () =>
      llmobs.trace({ kind: 'task', name: 'kid' }, tick),
    )
    const top = exporter.findSpan({ name: 'top', kind: 'workflow', parentId: 'undefined' })!
    expect(exporter.childrenOf(top).map((e) => e.name)).toEqual(['kid'])
    expect(exporter.records.map((r) => r.name)).toEqual(['kid', 'top'])
    expect(top.tags).toContain('service:svc')
    exporter.reset()
    expect(exporter.events).toEqual([])
  })

  it('methods are bound: destructuring works', () => {
    const { llmobs, exporter } = setup()
    const { trace, annotate } = llmobs
    trace({ kind: 'task', name: 'detached' }, () => annotate({ outputData: 'ok' }))
    expect(exporter.findSpan('detached')?.meta.output).toEqual({ value: 'ok' })
  })
})

describe('open spans', () => {
  it('flush() and shutdown() say how many spans are still open and name a few', async () => {
    const { llmobs, warnings } = setup()
    const open = llmobs.startSpan({ kind: 'tool', name: 'forgotten' })
    llmobs.trace({ kind: 'workflow', name: 'parent' }, () => {
      llmobs.startSpan({ kind: 'task', name: 'orphan-child' })
    })
    const done = llmobs.startSpan({ kind: 'task', name: 'ended' })
    done.end()
    await llmobs.flush()
    expect(warnings()).toContain(
      "2 span(s) still open ('forgotten', 'orphan-child') at flush(); a span is sent only when it ends: call span.end(), or use trace()/wrap(), which end it for you.",
    )
    open.end()
    await llmobs.shutdown()
    expect(warnings().filter((w) => w.includes('at shutdown()'))).toEqual([
      "1 span(s) still open ('orphan-child') at shutdown(); a span is sent only when it ends: call span.end(), or use trace()/wrap(), which end it for you.",
    ])
  })
})
