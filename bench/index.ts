/**
 * `npm run bench`: starts the real server (`sandbox-server/main.ts`) in its own process and
 * measures it from the outside through HTTP, as learners reach it. Prints medians (and p99
 * where a tail matters). Figures depend on the machine; the README quotes a run on 2 cores.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { mib, rssOf, startServer } from './server.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = 3900 + Math.floor(Math.random() * 90)
const base = `http://127.0.0.1:${port}`

const helloApp = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS hits (n INTEGER)')
const app = new Hono()
app.get('/', (c) => c.json({ hello: 'world' }))
app.get('/hit', (c) => { db.run('INSERT INTO hits VALUES (1)'); return c.json(db.get('SELECT count(*) AS n FROM hits')) })
app.get('/loop', () => { while (true) {} })
export default app
`

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}
const ms = (value: number) => `${value.toFixed(2)} ms`

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

async function createApp(code = helloApp): Promise<string> {
  const created = await api('POST', '/sessions', { code })
  if (created.status !== 201) throw new Error(JSON.stringify(created.body))
  return created.body.sessionId
}
const send = (id: string, path: string) => api('POST', `/sessions/${id}/requests`, { method: 'GET', path })

const results: [string, string, string][] = []
function report(name: string, value: string, target: string) {
  results.push([name, value, target])
  console.log(`${name.padEnd(48)} ${value.padStart(14)}   target ${target}`)
}

const server = await startServer(port)
try {
  // Memory first, on a fresh server: what 500 sessions cost, not what earlier load left behind.
  await send(await createApp(), '/hit')
  const before = rssOf(server.pid!)
  const batch = 25
  for (let made = 0; made < 500; made += batch) {
    await Promise.all(Array.from({ length: batch }, async () => send(await createApp(), '/hit')))
  }
  const health = await api('GET', '/health')
  const after = rssOf(server.pid!)
  const total = after.server + after.children
  report(`RSS with ${health.body.sessions} live sessions (all processes)`, mib(total), '<= 2,048 MiB')
  console.log(
    `  (server ${mib(after.server)}, child processes (SQLite, esbuild) ${mib(after.children)}; the server with one session: ${mib(before.server + before.children)}; ` +
      `~${((total - before.server - before.children) / 500 / 1024).toFixed(0)} KiB per session)`,
  )

  const cold: number[] = []
  for (let i = 0; i < 40; i++) {
    const started = performance.now()
    const id = await createApp()
    await send(id, '/')
    cold.push(performance.now() - started)
  }
  report('cold session (create + code + first request)', ms(median(cold)), '<= 50 ms median')

  const warmId = await createApp()
  for (let i = 0; i < 200; i++) await send(warmId, '/hit')
  const warm: number[] = []
  for (let i = 0; i < 2000; i++) {
    const started = performance.now()
    await send(warmId, '/hit')
    warm.push(performance.now() - started)
  }
  report('warm request round trip via HTTP API (db write+read)', ms(median(warm)), '<= 2 ms median')

  const solution = readFileSync(new URL('../exercises/crud-notes/solution.ts', import.meta.url), 'utf8')
  const graded = await api('POST', '/sessions', { exerciseId: 'crud-notes', code: solution })
  const grading: number[] = []
  for (let i = 0; i < 30; i++) {
    const started = performance.now()
    const result = await api('POST', `/sessions/${graded.body.sessionId}/grade`)
    if (result.body.status !== 'pass') throw new Error(`grading failed: ${JSON.stringify(result.body)}`)
    grading.push(performance.now() - started)
  }
  report('grade endpoint, crud-notes (7 checks)', ms(median(grading)), '<= 50 ms median')

  // A test-writing exercise: the learner's 7 tests once against the real app (Run tests), and
  // grading, which runs them against the real app and 7 mutants, each in a fresh session.
  const testsSolution = readFileSync(new URL('../exercises/write-the-tests/solution.ts', import.meta.url), 'utf8')
  const tester = await api('POST', '/sessions', { exerciseId: 'write-the-tests', code: testsSolution })
  const testRuns: number[] = []
  const mutantGrading: number[] = []
  for (let i = 0; i < 20; i++) {
    let started = performance.now()
    const run = await api('POST', `/sessions/${tester.body.sessionId}/tests`)
    if (run.body.failed !== 0 || run.body.passed !== 7) throw new Error(`the tests did not pass: ${JSON.stringify(run.body)}`)
    testRuns.push(performance.now() - started)
    started = performance.now()
    const result = await api('POST', `/sessions/${tester.body.sessionId}/grade`)
    if (result.body.status !== 'pass') throw new Error(`grading failed: ${JSON.stringify(result.body)}`)
    mutantGrading.push(performance.now() - started)
  }
  report('run a learner’s tests, write-the-tests (7 tests, fresh data)', ms(median(testRuns)), '<= 100 ms median')
  report('grade learner tests against 7 mutants (8 fresh sessions)', ms(median(mutantGrading)), '<= 1,000 ms median')

  const liveIds = await Promise.all(Array.from({ length: 10 }, () => createApp()))
  const rpsRuns: number[] = []
  for (let run = 0; run < 3; run++) {
    let done = 0
    const until = performance.now() + 2000
    await Promise.all(
      liveIds.map(async (id) => {
        while (performance.now() < until) {
          const response = await fetch(`${base}/s/${id}/`)
          await response.arrayBuffer()
          done++
        }
      }),
    )
    rpsRuns.push(done / 2)
  }
  report('sandboxed requests/s (10 clients, live URLs)', `${Math.round(median(rpsRuns))}/s`, '>= 1,000/s')

  const loopStops: number[] = []
  const bystanderLatency: number[] = []
  const bystander = await createApp()
  for (let i = 0; i < 5; i++) {
    const looper = await createApp()
    const started = performance.now()
    let looping = true
    const stopped = send(looper, '/loop').then((response) => {
      looping = false
      if (response.body.error?.limit !== 'cpu') throw new Error(`loop not stopped by the CPU limit: ${JSON.stringify(response.body)}`)
      return performance.now() - started
    })
    while (looping) {
      const t = performance.now()
      await send(bystander, '/')
      bystanderLatency.push(performance.now() - t)
    }
    loopStops.push(await stopped)
  }
  report('infinite loop stopped after', ms(median(loopStops)), '<= 1,100 ms median')
  report('p99 of another learner while a loop runs', ms(percentile(bystanderLatency, 99)), '<= 20 ms')
} finally {
  server.kill('SIGTERM')
}
