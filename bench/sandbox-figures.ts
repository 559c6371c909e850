/**
 * The figures of `npm run bench` that plain Hono has no counterpart for: what 500 sessions
 * cost in memory, a cold session, grading, learner tests, and the CPU limit stopping a loop
 * while another learner is served. Measured over the JSON API of a fresh server per checkout
 * (bench/server.ts), one request at a time: latencies of single operations, not load. With a
 * baseline checkout the two servers take each figure in turn.
 */
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { HELLO_APP } from './learner-app.ts'
import { mib, rssOf, startServer, stopServer } from './server.ts'
import { median } from './side-by-side.ts'

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}
const ms = (value: number) => `${value.toFixed(2)} ms`

/** The median time of `times` calls of `once`, one after another. */
async function medianTime(times: number, once: () => Promise<unknown>): Promise<number> {
  const durations: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    await once()
    durations.push(performance.now() - started)
  }
  return median(durations)
}

/** A fresh server of one checkout, and its JSON API. */
class FigureServer {
  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    private readonly base: string,
  ) {}

  async api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as any }
  }

  async createApp(code = HELLO_APP): Promise<string> {
    const created = await this.api('POST', '/sessions', { code })
    if (created.status !== 201) throw new Error(JSON.stringify(created.body))
    return created.body.sessionId
  }

  send(id: string, path: string) {
    return this.api('POST', `/sessions/${id}/requests`, { method: 'GET', path })
  }
}

interface Figure {
  name: string
  target: string
  format: (value: number) => string
  /** Measures the figure on one server; `note` is printed under the row. */
  measure(server: FigureServer): Promise<{ value: number; note?: string }>
}

// In this order: memory first, on a fresh server, so it is what 500 sessions cost and not what
// earlier load left behind.
const FIGURES: Figure[] = [
  {
    name: 'RSS with 501 live sessions (all processes)',
    target: '<= 2,048 MiB',
    format: mib,
    async measure(server) {
      await server.send(await server.createApp(), '/hit')
      const before = rssOf(server.process.pid!)
      for (let made = 0; made < 500; made += 25) {
        await Promise.all(Array.from({ length: 25 }, async () => server.send(await server.createApp(), '/hit')))
      }
      const after = rssOf(server.process.pid!)
      const total = after.server + after.children
      const one = before.server + before.children
      const note =
        `server ${mib(after.server)}, child processes (SQLite, esbuild) ${mib(after.children)}; with one session ${mib(one)}; ` +
        `~${((total - one) / 500 / 1024).toFixed(0)} KiB per session`
      return { value: total, note }
    },
  },
  {
    name: 'cold session (create + code + first request)',
    target: '<= 50 ms median',
    format: ms,
    async measure(server) {
      return { value: await medianTime(40, async () => server.send(await server.createApp(), '/')) }
    },
  },
  {
    name: 'warm request round trip via HTTP API (db write+read)',
    target: '<= 2 ms median',
    format: ms,
    async measure(server) {
      const id = await server.createApp()
      for (let i = 0; i < 200; i++) await server.send(id, '/hit')
      return { value: await medianTime(2000, () => server.send(id, '/hit')) }
    },
  },
  {
    name: 'grade endpoint, crud-notes (7 checks)',
    target: '<= 50 ms median',
    format: ms,
    async measure(server) {
      const solution = readFileSync(new URL('../exercises/crud-notes/solution.ts', import.meta.url), 'utf8')
      const graded = await server.api('POST', '/sessions', { exerciseId: 'crud-notes', code: solution })
      return { value: await medianTime(30, () => gradePassing(server, graded.body.sessionId)) }
    },
  },
  // A test-writing exercise: the learner's 7 tests once against the real app (Run tests), and
  // grading, which runs them against the real app and 7 mutants, each in a fresh session.
  {
    name: 'run a learner’s tests, write-the-tests (7 tests, fresh data)',
    target: '<= 100 ms median',
    format: ms,
    async measure(server) {
      const tester = await testWriter(server)
      const value = await medianTime(20, async () => {
        const run = await server.api('POST', `/sessions/${tester}/tests`)
        if (run.body.failed !== 0 || run.body.passed !== 7) throw new Error(`${server.name}: the tests did not pass: ${JSON.stringify(run.body)}`)
      })
      return { value }
    },
  },
  {
    name: 'grade learner tests against 7 mutants (8 fresh sessions)',
    target: '<= 1,000 ms median',
    format: ms,
    async measure(server) {
      const tester = await testWriter(server)
      return { value: await medianTime(20, () => gradePassing(server, tester)) }
    },
  },
  {
    name: 'infinite loop stopped after (median of 5)',
    target: '<= 1,100 ms median',
    format: ms,
    async measure(server) {
      const { loopStops } = await loopWithBystanderOnce(server)
      return { value: median(loopStops) }
    },
  },
  {
    name: 'p99 of another learner while a loop runs',
    target: '<= 20 ms',
    format: ms,
    async measure(server) {
      const { bystanderLatency } = await loopWithBystanderOnce(server)
      return { value: percentile(bystanderLatency, 99) }
    },
  },
]

/** Grades a session whose code passes; anything else stops the bench. */
async function gradePassing(server: FigureServer, id: string): Promise<void> {
  const result = await server.api('POST', `/sessions/${id}/grade`)
  if (result.body.status !== 'pass') throw new Error(`${server.name}: grading failed: ${JSON.stringify(result.body)}`)
}

async function testWriter(server: FigureServer): Promise<string> {
  const code = readFileSync(new URL('../exercises/write-the-tests/solution.ts', import.meta.url), 'utf8')
  return (await server.api('POST', '/sessions', { exerciseId: 'write-the-tests', code })).body.sessionId
}

const loopRuns = new WeakMap<FigureServer, ReturnType<typeof loopWithBystander>>()

/** Five loops, each stopped by the CPU limit, while another learner sends requests one after another; once per server. */
function loopWithBystanderOnce(server: FigureServer) {
  if (!loopRuns.has(server)) loopRuns.set(server, loopWithBystander(server))
  return loopRuns.get(server)!
}

async function loopWithBystander(server: FigureServer) {
  const loopStops: number[] = []
  const bystanderLatency: number[] = []
  const bystander = await server.createApp()
  for (let i = 0; i < 5; i++) {
    const looper = await server.createApp()
    const started = performance.now()
    let looping = true
    const stopped = server.send(looper, '/loop').then((response) => {
      looping = false
      if (response.body.error?.limit !== 'cpu') throw new Error(`${server.name}: loop not stopped by the CPU limit: ${JSON.stringify(response.body)}`)
      return performance.now() - started
    })
    while (looping) {
      const t = performance.now()
      await server.send(bystander, '/')
      bystanderLatency.push(performance.now() - t)
    }
    loopStops.push(await stopped)
  }
  return { loopStops, bystanderLatency }
}

/**
 * Measures the figures on a fresh server of this checkout on `port` (and of `baselineRoot` on
 * `port + 1`, figure by figure in turn), printing each row as it is measured.
 */
export async function measureSandboxFigures({
  port,
  cpus,
  baselineRoot,
  baselineEnv = {},
}: {
  port: number
  cpus?: string
  baselineRoot?: string
  /** Environment for the baseline's server, e.g. `{ WORKERS: '0' }`. */
  baselineEnv?: Record<string, string>
}): Promise<void> {
  const servers: FigureServer[] = []
  try {
    servers.push(new FigureServer('this checkout', await startServer(port, {}, { cpus }), `http://127.0.0.1:${port}`))
    if (baselineRoot) {
      servers.push(
        new FigureServer('baseline', await startServer(port + 1, baselineEnv, { cpus, root: baselineRoot }), `http://127.0.0.1:${port + 1}`),
      )
    }
    const widths = [62, 14, ...(baselineRoot ? [14, 15] : [])]
    const row = (cells: string[]) =>
      console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[index]!))).join('  '))
    row(['figure', ...servers.map((server) => server.name), ...(baselineRoot ? ['this ÷ baseline'] : []), '  target'])
    for (const figure of FIGURES) {
      const measured = []
      for (const server of servers) measured.push(await figure.measure(server))
      const values = measured.map(({ value }) => value)
      row([figure.name, ...values.map(figure.format), ...(baselineRoot ? [`${(values[0]! / values[1]!).toFixed(2)}×`] : []), `  ${figure.target}`])
      measured.forEach(({ note }, index) => note && console.log(`  (${servers[index]!.name}: ${note})`))
    }
  } finally {
    for (const server of servers) await stopServer(server.process)
  }
}
