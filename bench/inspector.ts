/**
 * What the request inspector costs a live request: the same GET to a session's live URL, one at
 * a time over a kept-alive connection, with nobody watching the session and with a watcher
 * reading its event stream (the event built in the worker, sent over IPC, kept in the ring
 * buffer and written to the stream). Rounds of the two alternate, so a busy machine slows both
 * alike; the medians of the rounds are printed.
 *
 * Run: `NODE_OPTIONS=--no-node-snapshot tsx bench/inspector.ts [requests per round] [rounds]`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServerApp } from '../sandbox-server/http/app.ts'
import { startSandboxServer } from '../sandbox-server/http/serve.ts'
import { createLogger } from '../sandbox-server/observability/index.ts'
import { createWorkerSessions } from '../sandbox-server/sessions/workers/supervisor.ts'

const perRound = Number(process.argv[2] ?? 500)
const rounds = Number(process.argv[3] ?? 6)
const APP = `import { Hono } from 'hono'
const app = new Hono()
app.get('/hello', (c) => { console.log('hello'); return c.json({ hello: 'world' }) })
export default app
`

const dataDir = mkdtempSync(join(tmpdir(), 'bench-inspector-'))
const logger = createLogger({ level: 'silent' })
// No rate limit: every request's event is built, sent and streamed (the default lets 20 a second through).
const sessions = await createWorkerSessions({ dataDir, workers: 1, spare: false, logger, activityRate: { burst: 1e9, perSecond: 1e9 } })
const app = createServerApp({ sessions, logger, sessionsPerMinute: 10_000 })
const { server, port } = await startSandboxServer({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
const base = `http://127.0.0.1:${port}`
const created = await fetch(`${base}/api/sessions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code: APP }),
})
const { sessionId } = (await created.json()) as { sessionId: string }
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

function get(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume()
      response.on('end', () => resolve())
    })
    sent.on('error', reject)
    sent.end()
  })
}

/** Mean µs of a live request over one round. */
async function round(): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < perRound; i++) await get(`/s/${sessionId}/hello`)
  return ((performance.now() - started) / perRound) * 1000
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
await round() // warm-up
const unwatched: number[] = []
const watched: number[] = []
let received = 0
for (let i = 0; i < rounds; i++) {
  unwatched.push(await round())
  const watcher = new AbortController()
  const stream = await fetch(`${base}/api/sessions/${sessionId}/events`, { signal: watcher.signal })
  const reading = (async () => {
    const reader = stream.body!.getReader()
    const decoder = new TextDecoder()
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        received += decoder.decode(chunk.value, { stream: true }).split('event: activity').length - 1
      }
    } catch {
      // Aborted at the end of the round.
    }
  })()
  watched.push(await round())
  watcher.abort()
  await reading
}
const off = median(unwatched)
const on = median(watched)
console.log(`live GET, ${perRound} requests x ${rounds} rounds, medians of the rounds' means:`)
console.log(`  nobody watching:   ${off.toFixed(0)} µs`)
console.log(
  `  a watcher reading: ${on.toFixed(0)} µs (+${(on - off).toFixed(0)} µs, ${(((on - off) / off) * 100).toFixed(1)}%); events read: ${received}`,
)
console.log(`  rounds off: ${unwatched.map((v) => v.toFixed(0)).join(' ')}; on: ${watched.map((v) => v.toFixed(0)).join(' ')}`)

agent.destroy()
server.closeAllConnections()
server.close()
await sessions.dispose()
rmSync(dataDir, { recursive: true, force: true })
