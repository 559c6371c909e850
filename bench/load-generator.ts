/**
 * The bench's load generator: autocannon in a process of its own, so the bench's own
 * bookkeeping never competes with the client that measures. `npm run bench` starts it once
 * (pinned to a core of its own where the machine has more than two) and sends it one round at
 * a time: a JSON line on standard input, answered by a JSON line on standard output.
 *
 * Latencies are kept as the floats autocannon measures (its own histogram counts whole
 * milliseconds, too coarse for sub-millisecond answers).
 */
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'

/** One round, as the bench sends it. */
export interface LoadRound {
  url: string
  connections: number
  seconds: number
  /** Stop after this many requests instead (a warm-up). */
  amount?: number
  /** Requests each connection sends in turn, e.g. one per session with its own Host header. */
  requests: { path: string; headers?: Record<string, string> }[]
}

/** What a round measured. */
export interface LoadResult {
  /** Answers with a 2xx status per second. */
  requestsPerSecond: number
  /** Latency of 2xx answers, ms. */
  mean: number
  p50: number
  p99: number
  /** Answers other than 2xx, connection errors and timeouts. */
  failures: number
  /** The failures by status ("503"), "error" or "timeout". */
  failuresBy: Record<string, number>
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void
  on(event: 'done', listener: (result: { errors: number; timeouts: number; non2xx: number; duration: number }) => void): void
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance

/** autocannon from the project's node_modules (a devDependency), resolved at run time so `tsc` needs no types for it. */
function loadAutocannon(): Autocannon {
  try {
    return createRequire(import.meta.url)('autocannon') as Autocannon
  } catch {
    console.error('The bench needs autocannon, a devDependency: run `npm ci` (or `npm install`) first.')
    process.exit(1)
  }
}
const autocannon = loadAutocannon()

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

function runRound({ url, connections, seconds, amount, requests }: LoadRound): Promise<LoadResult> {
  return new Promise((resolve) => {
    const latencies: number[] = []
    const failuresBy: Record<string, number> = {}
    const instance = autocannon({
      url,
      connections,
      duration: seconds,
      ...(amount === undefined ? {} : { amount }),
      requests: requests.map(({ path, headers }) => ({ method: 'GET', path, headers })),
    })
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms)
      else failuresBy[statusCode] = (failuresBy[statusCode] ?? 0) + 1
    })
    instance.on('done', ({ errors, timeouts, non2xx, duration }) => {
      latencies.sort((a, b) => a - b)
      resolve({
        requestsPerSecond: latencies.length / duration,
        mean: latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        failures: errors + timeouts + non2xx,
        failuresBy: { ...failuresBy, ...(errors ? { error: errors } : {}), ...(timeouts ? { timeout: timeouts } : {}) },
      })
    })
  })
}

// One round at a time, in the order they come.
let queue = Promise.resolve()
createInterface({ input: process.stdin }).on('line', (line) => {
  const round = JSON.parse(line) as LoadRound
  queue = queue.then(async () => {
    process.stdout.write(`${JSON.stringify(await runRound(round))}\n`)
  })
})
