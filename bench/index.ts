/**
 * `npm run bench [-- --baseline ../other-checkout [--baseline-env WORKERS=0]] [--rounds 3] [--seconds 2] [--side-by-side-only] [--cpu-prof DIR]`
 *
 * Side by side first (bench/side-by-side.ts): the same app on plain Hono and in the sandbox,
 * each server in its own process, loaded by autocannon in another, rounds alternating; every
 * throughput and latency figure is printed with its ratio to plain Hono from the same run, and
 * where a 1-connection request's time goes inside the server. `--baseline` runs the same rounds
 * against a second checkout's server too (its own node_modules), so a change can be compared
 * with main in one run; `--baseline-env` sets its server's environment (`--baseline .
 * --baseline-env WORKERS=0` sets this checkout against itself with the isolates in the HTTP
 * process: the cost of the hop to worker processes). Then the figures plain Hono has no counterpart for
 * (bench/sandbox-figures.ts), on a fresh server of each checkout. `--cpu-prof DIR` has Node
 * write a CPU profile of this checkout's side-by-side server into DIR when it stops.
 *
 * Figures depend on the machine; the README quotes a run on 2 cores.
 */
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Phase } from '../sandbox-server/observability/phase-timings.ts'
import { measureSandboxFigures } from './sandbox-figures.ts'
import { stopServer } from './server.ts'
import {
  median,
  planCores,
  runScenario,
  startLoadGenerator,
  startPlainHono,
  startSandbox,
  type Scenario,
  type Target,
  type TargetRounds,
} from './side-by-side.ts'

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    'side-by-side-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'baseline-env': { type: 'string', multiple: true, default: [] },
  },
})
const baselineEnv = Object.fromEntries(values['baseline-env'].map((setting) => setting.split(/=(.*)/s).slice(0, 2) as [string, string]))
const rounds = Number(values.rounds)
const seconds = Number(values.seconds)
const firstPort = 3900 + Math.floor(Math.random() * 80)
const MOST_SESSIONS = 100

// The load generator gets a core of its own where there are more than two; on two it shares.
const cores = planCores()
const serverCpus = cores.servers
const generatorCpus = cores.generator
console.log(`${availableParallelism()} cores: ${cores.description}`)
console.log(`${rounds} rounds of ${seconds} s per figure, alternating between servers; medians over rounds\n`)

const scenarios: Scenario[] = [
  { label: 'GET /, 1 session, 1 connection', path: '/', sessions: 1, connections: 1, split: true },
  { label: 'GET /hit, 1 session, 1 connection', path: '/hit', sessions: 1, connections: 1, split: true },
  ...['/', '/hit'].flatMap((path) =>
    [1, 10, MOST_SESSIONS].map((sessions) => ({
      label: `GET ${path}, ${sessions} session${sessions === 1 ? '' : 's'}, 10 connections`,
      path,
      sessions,
      connections: 10,
      split: false,
    })),
  ),
]

// A round in which every request failed has no latency: its figures print as a dash.
const count = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')}/s` : '—')
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 3 : 1)} ms` : '—')
const ratio = (value: number) => (Number.isFinite(value) && value > 0 ? `${value.toFixed(value < 10 ? 2 : 1)}×` : '—')

/** The median over rounds of `of(target's round) / of(reference's round)`, round by round. */
function medianRatio(rounds: TargetRounds, reference: TargetRounds, of: (result: TargetRounds['results'][number]) => number): number {
  return median(rounds.results.map((result, index) => of(result) / of(reference.results[index]!)))
}

function printRow(cells: string[], widths: number[]) {
  console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[index]!))).join('  '))
}

const generator = startLoadGenerator(generatorCpus)
const targets: Target[] = []
try {
  targets.push(await startPlainHono({ port: firstPort, sessions: MOST_SESSIONS, cpus: serverCpus }))
  const cpuProfile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : []
  targets.push(await startSandbox({ name: 'this checkout', port: firstPort + 1, sessions: MOST_SESSIONS, cpus: serverCpus, nodeOptions: cpuProfile }))
  if (values.baseline) {
    targets.push(
      await startSandbox({
        name: 'baseline',
        root: resolve(values.baseline),
        port: firstPort + 2,
        sessions: MOST_SESSIONS,
        cpus: serverCpus,
        env: baselineEnv,
      }),
    )
  }
  const [plain, sandbox, baseline] = targets as [Target, Target, Target | undefined]

  const header = ['figure', 'plain Hono', 'this checkout', '× plain', ...(baseline ? ['baseline', '× plain', 'this ÷ baseline'] : [])]
  const widths = [48, 12, 14, 8, ...(baseline ? [12, 8, 15] : [])]
  printRow(header, widths)
  const splits = new Map<Scenario, Map<Target, TargetRounds>>()
  for (const scenario of scenarios) {
    console.log(scenario.label)
    const measured = await runScenario(generator, targets, scenario, { rounds, seconds })
    if (scenario.split) splits.set(scenario, measured)
    const ofPlain = measured.get(plain)!
    const figures: [string, (result: TargetRounds['results'][number]) => number, (value: number) => string][] = [
      ['requests/s', (result) => result.requestsPerSecond, count],
      ['latency p50', (result) => result.p50, ms],
      ['latency p99', (result) => result.p99, ms],
    ]
    for (const [name, of, format] of figures) {
      const cells = [`  ${name}`, format(median(ofPlain.results.map(of)))]
      for (const target of [sandbox, ...(baseline ? [baseline] : [])]) {
        const rounds = measured.get(target)!
        cells.push(format(median(rounds.results.map(of))), ratio(medianRatio(rounds, ofPlain, of)))
      }
      if (baseline) cells.push(ratio(medianRatio(measured.get(sandbox)!, measured.get(baseline)!, of)))
      printRow(cells, widths)
    }
  }

  // Where one request's time goes, from the servers' own phase timings (BENCH_TIMINGS=1).
  // isolated-vm's cpuTime stops while the isolate waits on a capability call, so the door's
  // crossings to the host and back fall in the "into the isolate and back" row.
  const splitRows: [string, (phase: Record<Phase, number>) => number][] = [
    ['server, from request to response sent', (t) => t.server],
    ['  HTTP: Node, Hono routing, live-URL forwarding', (t) => t.server - t.session - t.logs],
    ['  hop to a worker process and back (IPC)', (t) => (t.worker > 0 ? t.session - t.worker : 0)],
    ['  session: its turn, learner log drain', (t) => (t.worker > 0 ? t.worker : t.session) - t.sandbox],
    ['  into the isolate and back (thread hops, copies)', (t) => t.sandbox - t.isolate - t.capabilities - t.learnerLogs - t.copyOut],
    ['  learner code in the isolate (its Hono app)', (t) => t.isolate],
    ['  capability calls (SQLite)', (t) => t.capabilities],
    ['  copy-out: reading and checking the answer', (t) => t.copyOut],
    ['  logs: request line and metrics, learner logs', (t) => t.logs + t.learnerLogs],
  ]
  for (const [scenario, measured] of splits) {
    console.log(`\nCost per request, ${scenario.label} (ms, the mean of a round; median over rounds)`)
    const columns = targets.filter((target) => measured.get(target)!.splits.length > 0)
    printRow(['phase', ...columns.map((target) => target.name)], [48, ...columns.map(() => 14)])
    printRow(
      ['client latency, mean (autocannon)', ...columns.map((target) => ms(median(measured.get(target)!.results.map((r) => r.mean))))],
      [48, ...columns.map(() => 14)],
    )
    for (const [name, of] of splitRows) {
      const cells = columns.map((target) => {
        // Plain Hono has one phase: all of it is HTTP and its app.
        if (target === plain && name !== splitRows[0]![0])
          return name.startsWith('  HTTP') ? ms(median(measured.get(target)!.splits.map((t) => t.server))) : ''
        return ms(median(measured.get(target)!.splits.map(of)))
      })
      printRow([name, ...cells], [48, ...columns.map(() => 14)])
    }
  }
} finally {
  await generator.stop()
  for (const target of targets) await stopServer(target.process)
}

if (!values['side-by-side-only']) {
  console.log(
    `\nSandbox only (no plain Hono counterpart): a fresh server per checkout, one request at a time${values.baseline ? ', taking each figure in turn' : ''}`,
  )
  await measureSandboxFigures({
    port: firstPort + 3,
    cpus: serverCpus,
    baselineRoot: values.baseline ? resolve(values.baseline) : undefined,
    baselineEnv,
  })
}
