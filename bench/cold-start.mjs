// Cold start and short runs: the CPU of a whole process that loads a tracer, initialises it, makes N
// spans of the SDK benchmark's workload, flushes and exits, next to a bare node and dd-trace 5.132.0.
//
//   node bench/cold-start.mjs [--quick] [--runs 7] [--spans 0,1000,10000,100000] [--nodes 20,24]
//                             [--profile]
//
// Each figure is the OS's own account of the child process (getrusage of the reaped child: user +
// system, all threads, from exec to exit), taken with bash's `time` keyword (1 ms resolution). Arms
// run alternately (bare, llmobs, dd-trace, rotated every round) against the stand-in agent
// (lib/sink.mjs, its own process); medians of the rounds. The children also report CPU marks of their
// own (cold-child.mjs) that split the total into phases. BENCH_LLMOBS_BEFORE=/path/to/other/index.js
// adds an arm with another build of the SDK (before/after in the same run).
import { execFileSync, fork, spawn } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? fallback : args[at + 1]
}
const quick = args.includes('--quick')
const RUNS = Number(option('runs', quick ? 3 : 7))
const SPANS = option('spans', quick ? '0,1000,10000' : '0,1000,10000,100000')
  .split(',')
  .map(Number)
const NODES = option('nodes', '20,24').split(',')
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const CHILD = here('./sdk/cold-child.mjs')

/** The node binary of a major version: this one, or one that npx fetches (`node@24`). */
function nodeBinary(major) {
  if (process.versions.node.split('.')[0] === major) return process.execPath
  return execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
  }).trim()
}

async function startSink() {
  const sink = fork(here('./lib/sink.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)))
  return { port, stop: () => sink.kill() }
}

function sinkGet(port, path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve(JSON.parse(body)))
      })
      .on('error', reject)
  })
}

/** Runs one child under bash's `time`: { cpu (s, user + system), wall (s), marks, delivered }. */
async function runChild(node, port, arm, spans, env = {}, nodeArgs = []) {
  await sinkGet(port, '/_bench/reset')
  const child = spawn(
    'bash',
    [
      '-c',
      'TIMEFORMAT="@@rusage %3R %3U %3S"; time "$@"',
      'bash',
      node,
      ...nodeArgs,
      CHILD,
      arm,
      String(port),
      String(spans),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  child.stderr.on('data', (chunk) => (err += chunk))
  const code = await new Promise((resolve) => child.on('close', resolve))
  const rusage = err.match(/@@rusage ([\d.]+) ([\d.]+) ([\d.]+)\s*$/)
  const line = out.trim().split('\n').pop()
  if (code !== 0 || rusage === null || !line?.startsWith('{'))
    throw new Error(`${arm} (${spans} spans) failed (exit ${code}): ${out}\n${err}`)
  const { llmobsEvents } = await sinkGet(port, '/_bench/counts')
  const expected = Math.ceil(spans / 4) * 4
  if (!arm.includes('import') && arm !== 'bare' && llmobsEvents < expected)
    throw new Error(`${arm}: the sink got ${llmobsEvents} of ${expected} span events`)
  return { wall: Number(rusage[1]), cpu: Number(rusage[2]) + Number(rusage[3]), marks: JSON.parse(line) }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const fmt = (n, digits = 3) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const before = process.env.BENCH_LLMOBS_BEFORE
const TRACER_ARMS = [
  'llmobs agent-proxy',
  ...(before ? ['llmobs before'] : []),
  ...(process.env.BENCH_SKIP_DD ? [] : ['dd-trace']),
]
/** Arm name → [child arm, extra env]. */
const armSpec = (arm) =>
  arm === 'llmobs before'
    ? ['llmobs agent-proxy', { BENCH_LLMOBS_MODULE: before }]
    : arm === 'llmobs import before'
      ? ['llmobs import', { BENCH_LLMOBS_MODULE: before }]
      : [arm, {}]

/** Median of each mark, then phases as differences of medians-of-marks (ms). */
function phases(results) {
  const names = Object.keys(results[0].marks)
  const m = Object.fromEntries(names.map((n) => [n, median(results.map((r) => r.marks[n]))]))
  return { ...m, total: median(results.map((r) => r.cpu)) * 1000 }
}

const sink = await startSink()
try {
  for (const major of NODES) {
    const node = nodeBinary(major)
    const version = execFileSync(node, ['-v'], { encoding: 'utf8' }).trim()
    console.log(
      `\n## Node ${version}: ${RUNS} alternating runs per cell (${RUNS * 3} at 0 spans), median CPU seconds (user + system)`,
    )
    const rows = []
    const byCell = {}
    for (const spans of SPANS) {
      const arms = [
        'bare',
        ...(spans === 0 ? ['llmobs import', ...(before ? ['llmobs import before'] : [])] : []),
        ...TRACER_ARMS,
      ]
      const results = Object.fromEntries(arms.map((a) => [a, []]))
      // The 0-span cell is cheap and its differences are small: three times the rounds.
      const rounds = spans === 0 ? RUNS * 3 : RUNS
      for (let round = 0; round < rounds; round++) {
        // Rotate the order every round so no arm always runs right after another.
        for (let k = 0; k < arms.length; k++) {
          const arm = arms[(k + round) % arms.length]
          const [childArm, env] = armSpec(arm)
          results[arm].push(await runChild(node, sink.port, childArm, spans, env))
        }
      }
      byCell[spans] = results
      const cpu = (arm) => median(results[arm].map((r) => r.cpu))
      const bare = cpu('bare')
      rows.push({
        spans,
        bare,
        ...Object.fromEntries(arms.filter((a) => a !== 'bare').map((a) => [a, cpu(a)])),
      })
      process.stderr.write(`  node ${major}: ${spans} spans done\n`)
    }

    const ours = 'llmobs agent-proxy'
    const hasDd = TRACER_ARMS.includes('dd-trace')
    console.log(
      `| spans | bare node | llmobs |${before ? ' llmobs before |' : ''}${hasDd ? ' dd-trace | llmobs / dd-trace (raw CPU) |' : ''} llmobs above bare |${hasDd ? ' dd-trace above bare | ratio above bare |' : ''}`,
    )
    console.log(
      `| ---: | ---: | ---: |${before ? ' ---: |' : ''}${hasDd ? ' ---: | ---: |' : ''} ---: |${hasDd ? ' ---: | ---: |' : ''}`,
    )
    for (const r of rows) {
      const cells = [r.spans.toLocaleString('en-US'), fmt(r.bare), fmt(r[ours])]
      if (before) cells.push(fmt(r['llmobs before']))
      if (hasDd) cells.push(fmt(r['dd-trace']), fmt(r[ours] / r['dd-trace'], 3))
      cells.push(fmt(r[ours] - r.bare))
      if (hasDd)
        cells.push(fmt(r['dd-trace'] - r.bare), fmt((r[ours] - r.bare) / (r['dd-trace'] - r.bare), 3))
      console.log(`| ${cells.join(' | ')} |`)
    }
    const zero = rows.find((r) => r.spans === 0)
    if (zero) {
      console.log(
        `\nAbove bare node (ms CPU): llmobs import ${fmt((zero['llmobs import'] - zero.bare) * 1000, 1)}, import + init + exit ${fmt((zero[ours] - zero.bare) * 1000, 1)}` +
          (before
            ? `; before: import ${fmt((zero['llmobs import before'] - zero.bare) * 1000, 1)}, import + init ${fmt((zero['llmobs before'] - zero.bare) * 1000, 1)}`
            : '') +
          (hasDd ? `; dd-trace import + init ${fmt((zero['dd-trace'] - zero.bare) * 1000, 1)}` : ''),
      )
    }

    // Where the CPU goes: medians of the children's own marks (ms since the process started).
    const largest = Math.max(...SPANS)
    console.log(
      `\nPhases at ${largest.toLocaleString('en-US')} spans (ms CPU, medians of the children's marks; "exit" = OS total − last mark)`,
    )
    console.log(
      '| arm | node start | load | init | first 1,000 spans µs/span | 1,000–10,000 µs/span | rest µs/span | flush + delivery | exit | total |',
    )
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const arm of ['bare', ...TRACER_ARMS]) {
      const p = phases(byCell[largest][arm])
      const d = (a, b) => (p[a] !== undefined && p[b] !== undefined ? p[b] - p[a] : undefined)
      const cell = (v, digits = 1) => (v === undefined ? '–' : fmt(v, digits))
      const per = (a, b, n) => (d(a, b) === undefined ? undefined : (d(a, b) * 1000) / n)
      const spansStart = p.initialized
      console.log(
        `| ${arm} | ${cell(p.main)} | ${cell(d('main', 'imported'))} | ${cell(d('imported', 'initialized'))} | ${cell(
          largest >= 1000 ? per('initialized', 'spans1000', 1000) : undefined,
        )} | ${cell(largest >= 10000 ? per('spans1000', 'spans10000', 9000) : undefined)} | ${cell(
          largest > 10000 ? per('spans10000', 'spans', largest - 10000) : undefined,
        )} | ${cell(spansStart === undefined ? undefined : p.end - p.spans)} | ${cell(p.total - p.end)} | ${cell(p.total)} |`,
      )
    }
  }

  if (args.includes('--profile')) await profile()
} finally {
  sink.stop()
}

/**
 * One llmobs child under --cpu-prof (main thread only; V8's background compiler threads are not in
 * it), self time grouped by what it is.
 */
async function profile() {
  const { mkdtempSync, readdirSync, readFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const spans = Number(option('profile-spans', '10000'))
  const dir = mkdtempSync(join(tmpdir(), 'cold-prof-'))
  await runChild(process.execPath, sink.port, 'llmobs agent-proxy', spans, {}, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    '--cpu-prof-interval=250',
  ])
  const prof = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'))
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]))
  const groups = new Map()
  const group = (frame) => {
    const url = frame.url
    const fn = frame.functionName
    if (fn === '(garbage collector)') return 'GC'
    if (fn === '(idle)') return undefined // waiting, not CPU
    if (fn === '(program)') return 'V8 (program): parsing, compiling, IC misses'
    if (/compile|wrapSafe|ModuleWrap|parseSource/i.test(fn) || /modules\/|cjs-module-lexer|realm/.test(url))
      return 'module loading and compiling (node internals)'
    if (/sdk\/dist|@llmobs/.test(url)) return 'SDK code'
    if (/bench\//.test(url)) return 'benchmark loop'
    if (/_http|node:net|stream|node:dns|node:zlib/.test(url)) return 'node http/net/streams'
    return url === '' ? 'native calls (buffer writes, syscalls, timers, ...)' : 'other node internals'
  }
  for (let i = 0; i < prof.samples.length; i++) {
    const g = group(nodes.get(prof.samples[i]).callFrame)
    if (g === undefined) continue
    groups.set(g, (groups.get(g) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000)
  }
  const total = [...groups.values()].reduce((a, b) => a + b, 0)
  console.log(
    `\nllmobs, ${spans} spans, main-thread CPU profile (${fmt(total, 0)} ms sampled, idle left out; the profiler inflates it; ${dir})`,
  )
  console.log('| what | ms | share |')
  console.log('| --- | ---: | ---: |')
  for (const [g, ms] of [...groups].sort((a, b) => b[1] - a[1]))
    console.log(`| ${g} | ${fmt(ms, 1)} | ${fmt((100 * ms) / total, 0)}% |`)

  // The profile sees the main thread only; V8's optimising compiler (TurboFan) runs on background
  // threads. Its share: the same child with and without --no-opt (never optimise), alternated.
  const runs = { default: [], '--no-opt': [] }
  for (let i = 0; i < 5; i++) {
    for (const flags of i % 2 ? ['--no-opt', 'default'] : ['default', '--no-opt']) {
      const nodeArgs = flags === 'default' ? [] : [flags]
      runs[flags].push(
        (await runChild(process.execPath, sink.port, 'llmobs agent-proxy', spans, {}, nodeArgs)).cpu,
      )
    }
  }
  console.log(
    `\nWhole process at ${spans.toLocaleString('en-US')} spans, median of 5: ${fmt(median(runs.default))} s CPU; ` +
      `with --no-opt (no TurboFan) ${fmt(median(runs['--no-opt']))} s`,
  )
}
