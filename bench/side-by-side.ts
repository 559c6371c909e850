/**
 * The side-by-side rounds of `npm run bench`: the same routes on plain Hono and on the
 * sandbox (this checkout's server, and a second checkout's when asked), each in its own
 * process, loaded by autocannon in another (bench/load-generator.ts). Rounds alternate between
 * the servers, in turn order reversed every other round, so a machine that gets busier or
 * quieter meanwhile weighs on all of them alike; each figure is the median over rounds, and
 * each ratio the median of the ratios within a round.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Phase, PhaseTotal } from '../sandbox-server/observability/phase-timings.ts'
import { HELLO_APP } from './learner-app.ts'
import type { LoadResult, LoadRound } from './load-generator.ts'
import { startServer, stopServer } from './server.ts'

const projectRoot = fileURLToPath(new URL('..', import.meta.url))

export function median(values: number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!
}

/** Which cores the servers and the load generator may use (`taskset -c` lists); none when they share. */
export interface CorePlan {
  servers?: string
  generator?: string
  /** What the bench prints about it. */
  description: string
}

/** The cores this process may run on (Linux's Cpus_allowed_list, e.g. "0-3,8"), or [] where unknown. */
function allowedCores(): number[] {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]!
    return list.split(',').flatMap((range) => {
      const [first, last = first] = range.split('-').map(Number) as [number, number?]
      return Array.from({ length: last! - first + 1 }, (_, index) => first + index)
    })
  } catch {
    return []
  }
}

/**
 * The load generator gets a core of its own, and the servers the others, where this process may
 * use more than two cores and taskset is there; otherwise everything shares, and says so.
 */
export function planCores(): CorePlan {
  const cores = allowedCores()
  const shared = (why: string): CorePlan => ({ description: `the load generator (autocannon) shares the cores with the servers: ${why}` })
  if (cores.length <= 2) return shared('pinning needs more than two')
  if (spawnSync('taskset', ['-V']).status !== 0) return shared('taskset is not installed')
  const generator = String(cores.at(-1))
  const servers = cores.slice(0, -1).join(',')
  return { servers, generator, description: `the load generator (autocannon) pinned to core ${generator}, the servers to cores ${servers}` }
}

/** The load generator's process, one round at a time. */
export interface LoadGenerator {
  run(round: LoadRound): Promise<LoadResult>
  stop(): Promise<void>
}

/** Starts bench/load-generator.ts in its own process, on `cpus` (`taskset -c`) when given. */
export function startLoadGenerator(cpus?: string): LoadGenerator {
  const command = [process.execPath, '--import', 'tsx', 'bench/load-generator.ts']
  const [file, ...args] = cpus === undefined ? command : ['taskset', '-c', cpus, ...command]
  const child = spawn(file!, args, { cwd: projectRoot, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting: { resolve: (result: LoadResult) => void; reject: (error: Error) => void }[] = []
  // JSON writes NaN (no latency: every request failed) as null.
  const parse = (line: string) => JSON.parse(line, (_key, value) => (value === null ? NaN : value)) as LoadResult
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(parse(line)))
  let exited = false
  child.once('exit', (code) => {
    exited = true
    for (const round of waiting.splice(0)) round.reject(new Error(`the load generator exited with ${code}`))
  })
  return {
    run(round) {
      if (exited) return Promise.reject(new Error('the load generator exited'))
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject })
        child.stdin!.write(`${JSON.stringify(round)}\n`)
      })
    },
    async stop() {
      child.stdin!.end()
      if (!exited) await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}

/** One server under test: plain Hono, or a checkout's sandbox server. */
export interface Target {
  name: string
  url: string
  /** The Host header of each session (plain Hono: one database per host). */
  hosts: string[]
  process: ChildProcess
}

/** Plain Hono (bench/plain-hono-server.ts) with `sessions` databases, one per Host header. */
export async function startPlainHono({ port, sessions, cpus }: { port: number; sessions: number; cpus?: string }): Promise<Target> {
  const child = await startServer(port, { BENCH_TIMINGS: '1' }, { script: 'bench/plain-hono-server.ts', cpus })
  const hosts = Array.from({ length: sessions }, (_, index) => `plain${index}.localhost:${port}`)
  return { name: 'plain Hono', url: `http://127.0.0.1:${port}`, hosts, process: child }
}

/**
 * A checkout's sandbox server with `sessions` sessions running HELLO_APP, reached through
 * their live URLs (`Host: <session>.localhost`) as learners reach them.
 */
export async function startSandbox({
  name,
  root = projectRoot,
  port,
  sessions,
  cpus,
  nodeOptions,
  env = {},
}: {
  name: string
  root?: string
  port: number
  sessions: number
  cpus?: string
  /** Options for Node itself, e.g. `--cpu-prof`. */
  nodeOptions?: string[]
  /** More environment for the server, e.g. `{ WORKERS: '0' }`. */
  env?: Record<string, string>
}): Promise<Target> {
  // LOG_LEVEL info: each request writes its log line, as `npm start` does.
  const child = await startServer(port, { BENCH_TIMINGS: '1', LOG_LEVEL: 'info', ...env }, { root, cpus, nodeOptions })
  const url = `http://127.0.0.1:${port}`
  try {
    const ids: string[] = []
    // A few at a time: creating sessions is not what is measured.
    for (let made = 0; made < sessions; made += 10) {
      const batch = Array.from({ length: Math.min(10, sessions - made) }, async () => {
        const response = await fetch(`${url}/api/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: HELLO_APP }),
        })
        const body = (await response.json()) as { sessionId?: string }
        if (response.status !== 201 || !body.sessionId)
          throw new Error(`${name}: creating a session answered ${response.status} ${JSON.stringify(body)}`)
        return body.sessionId
      })
      ids.push(...(await Promise.all(batch)))
    }
    return { name, url, hosts: ids.map((id) => `${id}.localhost:${port}`), process: child }
  } catch (error) {
    await stopServer(child)
    throw error
  }
}

/** The phase totals a server timed (BENCH_TIMINGS=1), or undefined when it has no such route. */
async function readTimings(target: Target): Promise<Record<Phase, PhaseTotal> | undefined> {
  const response = await fetch(`${target.url}/bench/timings`)
  if (response.status !== 200) {
    await response.arrayBuffer()
    return undefined
  }
  return (await response.json()) as Record<Phase, PhaseTotal>
}

async function resetTimings(target: Target): Promise<void> {
  await (await fetch(`${target.url}/bench/timings`, { method: 'DELETE' })).arrayBuffer()
}

export interface Scenario {
  label: string
  path: string
  sessions: number
  connections: number
  /** Whether the servers' phase timings are read after each round (for the cost split). */
  split: boolean
}

/** What one target measured in one scenario: one entry per round. */
export interface TargetRounds {
  results: LoadResult[]
  /** Per-request milliseconds by phase, one record per round (split scenarios only). */
  splits: Record<Phase, number>[]
}

/** Runs `rounds` alternating rounds of `scenario` on every target, after a short warm-up on each. */
export async function runScenario(
  generator: LoadGenerator,
  targets: Target[],
  scenario: Scenario,
  { rounds, seconds }: { rounds: number; seconds: number },
): Promise<Map<Target, TargetRounds>> {
  const measured = new Map(targets.map((target) => [target, { results: [], splits: [] } as TargetRounds]))
  const roundFor = (target: Target): LoadRound => ({
    url: target.url,
    connections: scenario.connections,
    seconds,
    requests: target.hosts.slice(0, scenario.sessions).map((host) => ({ path: scenario.path, headers: { host } })),
  })
  for (const target of targets) await generator.run({ ...roundFor(target), amount: 300 + 3 * scenario.sessions })
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const target of order) {
      if (scenario.split) await resetTimings(target)
      const result = await generator.run(roundFor(target))
      if (result.failures > 0) {
        const by = Object.entries(result.failuresBy).map(([kind, count]) => `${kind}: ${count}`)
        // A 404 on a live URL: the server no longer knows the session (its log says whether it evicted it).
        const gone = result.failuresBy['404'] ? '; 404: sessions gone, see the server’s session_evicted log lines' : ''
        console.warn(`  ${target.name}: ${result.failures} requests failed (${by.join(', ')})${gone}`)
      }
      const entry = measured.get(target)!
      entry.results.push(result)
      const timings = scenario.split ? await readTimings(target) : undefined
      if (timings) entry.splits.push(perRequest(timings))
    }
  }
  return measured
}

/** Phase totals as milliseconds per request (the requests the server answered). */
function perRequest(timings: Record<Phase, PhaseTotal>): Record<Phase, number> {
  const requests = Math.max(1, timings.server.count - 1) // less the DELETE that started the round
  return Object.fromEntries(Object.entries(timings).map(([phase, { ms }]) => [phase, ms / requests])) as Record<Phase, number>
}
