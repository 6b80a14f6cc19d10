import { encode } from '@msgpack/msgpack'
import { MpFloat, MpInt, MpMap, MpRaw, MpStr, encodeTest } from './msgpack-test-encoder.test-helper.js'
import type { RandomMsgpack } from './random-msgpack.test-helper.js'

/** A v0.4 body of random chunks whose spans vary every field §4 reads, now and then wrongly. */
export function randomV04Body(random: RandomMsgpack): Uint8Array {
  const chunks = Array.from({ length: 1 + random.int(2) }, () =>
    Array.from({ length: 1 + random.int(2) }, () => randomHostSpan(random)),
  )
  return encodeTest(chunks)
}

/** One of `valid`, or (rarely) one of `invalid`: values the reference refuses or the fast path leaves. */
function choose(random: RandomMsgpack, valid: readonly unknown[], invalid: readonly unknown[] = []): unknown {
  return invalid.length > 0 && random.chance(0.006) ? random.pick(invalid) : random.pick(valid)
}

function id(random: RandomMsgpack): unknown {
  return choose(
    random,
    [
      BigInt.asUintN(64, BigInt(random.int(2 ** 30)) * 2n ** 34n + 12345n),
      new MpInt(BigInt(random.int(100)), 'fix'),
      new MpInt(BigInt(random.int(60000)), 'u16'),
      new MpInt(-BigInt(random.int(1000) + 1), 'i64'),
      new MpInt(BigInt(random.int(100)), 'i32'),
    ],
    ['1', null, new MpFloat(3, 64)],
  )
}

function randomHostSpan(random: RandomMsgpack): unknown {
  const meta: Array<[unknown, unknown]> = [['env', random.pick(['dev', 'prod', ''])]]
  if (random.chance(0.5))
    meta.push(['_dd.p.tid', random.pick(['6b03fc1900000000', 'ABC', 'zz', '12345678901234567'])])
  if (random.chance(0.2)) meta.push(['_dd.llmobs.submitted', random.pick(['1', '0'])])
  if (random.chance(0.3)) meta.push(['error.type', random.text()], ['error.message', random.text()])
  if (random.chance(0.1)) meta.push(['error.stack', 'at x\n  at y'])
  if (random.rare()) meta.push(['n', 5])
  if (random.rare()) meta.push(['env', 'again'])
  if (random.chance(0.5)) meta.push([random.key(), random.string()])
  const entries: Array<[unknown, unknown]> = [
    ['trace_id', id(random)],
    ['span_id', id(random)],
    ['name', random.pick(['chat', 'wf', random.text()])],
    [
      'start',
      choose(
        random,
        [1795423257103140864n, new MpInt(5n, 'u8'), new MpFloat(1.5e18, 64)],
        [new MpInt(-3n, 'i8')],
      ),
    ],
    ['duration', choose(random, [1110596, new MpFloat(10.9, 32), 0], [new MpFloat(-1, 64)])],
    ['meta', new MpMap(meta)],
  ]
  if (random.chance(0.8)) entries.push(['parent_id', random.chance(0.3) ? 0 : id(random)])
  if (random.chance(0.8)) entries.push(['service', choose(random, ['svc', 'other', null], [5])])
  if (random.chance(0.5)) entries.push(['resource', random.text()])
  if (random.chance(0.5)) entries.push(['type', random.pick(['llm', 'web', null])])
  if (random.chance(0.6))
    entries.push(['error', choose(random, [0, 1, true, false, null, new MpInt(2n, 'i64')], ['x'])])
  if (random.chance(0.7))
    entries.push([
      'metrics',
      {
        m: random.number(),
        '_dd.top_level': 1,
        ...(random.chance(0.5) ? { _sampling_priority_v1: random.pick([1, 0, -1, 2, 0.5]) } : {}),
        ...(random.chance(0.01) ? { s: 'x' } : {}),
      },
    ])
  if (random.chance(0.75)) entries.push(['meta_struct', randomMetaStruct(random)])
  if (random.rare()) entries.push(['span_links', []])
  if (random.rare()) entries.push(['unknown', random.value(2)])
  return new MpMap(random.chance(0.5) ? entries : entries.reverse())
}

function randomMetaStruct(random: RandomMsgpack): unknown {
  if (random.rare()) return random.pick([null, 'x', []])
  const entries: Array<[unknown, unknown]> = []
  const struct = encodeTest(randomStruct(random))
  entries.push([
    '_llmobs',
    random.rare() ? new MpStr(struct) : random.chance(0.1) ? new MpRaw(struct) : struct,
  ])
  if (random.chance(0.2)) entries.push(['appsec', encode({ a: [1, 2] })])
  if (random.rare()) entries.push(['broken', Uint8Array.from([0x92, 0x01])])
  return new MpMap(entries)
}

function randomStruct(random: RandomMsgpack): unknown {
  const meta: Array<[unknown, unknown]> = []
  const kindStyle = random.int(40)
  if (kindStyle < 14) meta.push(['span', { kind: random.pick(['llm', 'workflow', 'tool', 'é']) }])
  else if (kindStyle < 16) meta.push(['span.kind', choose(random, ['llm', 'task'], ['', 'x'.repeat(65), 3])])
  else if (kindStyle < 18) meta.push(['span', { kind: 'llm', extra: random.value(1) }])
  else if (kindStyle < 20) meta.push(['span.kind', 'task'], ['span', random.pick([{ kind: 'x' }, 'x'])])
  else if (kindStyle < 39) meta.push(['span', { kind: 'workflow' }])
  if (random.chance(0.8))
    meta.push(['input', choose(random, [null, random.map(3), random.map(2)], ['text', [1]])])
  if (random.chance(0.8)) meta.push(['output', choose(random, [null, random.map(3)], [5])])
  if (random.chance(0.5)) meta.push(['model_name', random.chance(0.9) ? 'gpt-4o' : 5])
  if (random.chance(0.5)) meta.push(['model_provider', 'openai'])
  if (random.chance(0.4)) meta.push(['metadata', random.map(4)])
  if (random.chance(0.1)) meta.push(['error.type', random.pick(['E', null])])
  if (random.chance(0.3)) meta.push([random.key(), random.value(3)])
  shuffle(random, meta)
  const fields: Array<[unknown, unknown]> = [
    ['trace_id', choose(random, ['6b03fc19000000007953b531107242bf', '12345', 'ABCDEF'], ['xyz', 5])],
    ['meta', random.rare() ? 'x' : new MpMap(meta)],
  ]
  if (random.chance(0.9)) fields.push(['name', random.pick(['chat', random.text(), 5, null])])
  if (random.chance(0.9))
    fields.push([
      'parent_id',
      choose(random, ['undefined', '774591771944634912', '0', '', '00', 42, null], ['x', -1]),
    ])
  if (random.chance(0.7)) fields.push(['ml_app', random.pick(['demo', 7])])
  if (random.chance(0.5)) fields.push(['session_id', choose(random, ['s1', '', null], [3])])
  if (random.chance(0.8))
    fields.push([
      'tags',
      random.chance(0.9) ? { ml_app: 'demo', env: random.text(), [random.text()]: random.value(1) } : ['a'],
    ])
  if (random.chance(0.8))
    fields.push([
      'metrics',
      choose(
        random,
        [{ input_tokens: random.pick([3, 0.5, 1e21]), total_tokens: 5 }, {}],
        ['x', { t: 'x' }, { n: random.number() }],
      ),
    ])
  if (random.chance(0.7))
    fields.push([
      '_dd',
      random.chance(0.9) ? { sampling_decision: random.pick(['1', '1', '0', 0, 1, null]) } : [1],
    ])
  if (random.chance(0.2))
    fields.push([
      'span_links',
      choose(
        random,
        [
          [
            {
              trace_id: '6b03fc19000000007953b531107242bf',
              span_id: random.pick(['5', 6]),
              attributes: { from: 'input', to: 'output' },
            },
          ],
        ],
        [
          {},
          [{ trace_id: 9, span_id: '5', attributes: {} }],
          [{ trace_id: 'ab', span_id: '-1', attributes: { from: 'a', to: 1 } }],
        ],
      ),
    ])
  if (random.chance(0.1)) fields.push(['extra', random.value(2)])
  shuffle(random, fields)
  return new MpMap(fields)
}

function shuffle(random: RandomMsgpack, items: unknown[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
}
