/**
 * `npm run bench:scale-out [-- --sessions 30 --seconds 10 --connections 20]`: one replica of
 * the real server (`npm start`, sessions in files) against three replicas sharing Redis behind
 * HAProxy with deploy/haproxy.cfg (tests/support/cluster.ts), on this machine. Prints requests/s
 * and latency for a read (`/`) and a write (`/hit`) spread over the sessions' live URLs. Needs
 * Debian's haproxy and redis-server. The failover figures come from `tests/full/scale-out.test.ts`.
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { startCluster } from '../tests/support/cluster.ts'
import { HELLO_APP } from './learner-app.ts'
import type { LoadResult } from './load-generator.ts'
import { startServer, stopServer } from './server.ts'
import { startLoadGenerator } from './side-by-side.ts'

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
  },
})
const sessions = Number(values.sessions)
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const generator = startLoadGenerator()

/** Creates the sessions through `port` and measures each route over all their live URLs. */
async function measure(port: number): Promise<Record<string, LoadResult>> {
  const hosts: string[] = []
  for (let i = 0; i < sessions; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: HELLO_APP }),
    })
    if (response.status !== 201) throw new Error(`creating a session answered ${response.status}: ${await response.text()}`)
    hosts.push(`${((await response.json()) as { sessionId: string }).sessionId}.localhost`)
  }
  const url = `http://127.0.0.1:${port}`
  const results: Record<string, LoadResult> = {}
  for (const path of ['/', '/hit']) {
    const requests = hosts.map((host) => ({ path, headers: { host } }))
    // A warm-up: every session's isolate started (and, behind HAProxy, taken up where it hashes).
    await generator.run({ url, connections, seconds, amount: sessions * 4, requests })
    results[path] = await generator.run({ url, connections, seconds, requests })
  }
  return results
}

const rows: [string, Record<string, LoadResult>][] = []
const port = 4400 + Math.floor(Math.random() * 90)
const one = await startServer(port)
try {
  rows.push(['one replica (npm start)', await measure(port)])
} finally {
  await stopServer(one)
}
const cluster = await startCluster({ replicas: 3 })
try {
  rows.push(['3 replicas + HAProxy + Redis', await measure(cluster.port)])
} finally {
  await cluster.stop()
  await generator.stop()
}

console.log(`${sessions} sessions, ${connections} connections, ${seconds} s a route, ${availableParallelism()} cores`)
for (const [name, results] of rows) {
  for (const [path, result] of Object.entries(results)) {
    const failures = result.failures > 0 ? `, ${result.failures} failed ${JSON.stringify(result.failuresBy)}` : ''
    console.log(
      `${name.padEnd(30)} ${path.padEnd(5)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms${failures}`,
    )
  }
}
