/**
 * The figures of `npm run bench` that plain Hono has no counterpart for: what 500 sessions
 * cost in memory, a cold session, grading, learner tests, and the CPU limit stopping a loop
 * while another learner is served. Measured over the JSON API of a fresh server of this
 * checkout (bench/server.ts), one request at a time: these are latencies of single
 * operations, not load.
 */
import { readFileSync } from 'node:fs'
import { HELLO_APP } from './learner-app.ts'
import { mib, rssOf, startServer, stopServer } from './server.ts'
import { median } from './side-by-side.ts'

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}
const ms = (value: number) => `${value.toFixed(2)} ms`

/** Measures the figures on a fresh server on `port`, printing each row as it is measured. */
export async function measureSandboxFigures({ port, cpus }: { port: number; cpus?: string }): Promise<void> {
  const base = `http://127.0.0.1:${port}`
  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as any }
  }
  async function createApp(code = HELLO_APP): Promise<string> {
    const created = await api('POST', '/sessions', { code })
    if (created.status !== 201) throw new Error(JSON.stringify(created.body))
    return created.body.sessionId
  }
  const send = (id: string, path: string) => api('POST', `/sessions/${id}/requests`, { method: 'GET', path })
  const report = (name: string, value: string, target: string) => console.log(`${name.padEnd(62)} ${value.padStart(12)}   target ${target}`)

  const server = await startServer(port, {}, { cpus })
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
    await stopServer(server)
  }
}
