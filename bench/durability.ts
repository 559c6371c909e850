/**
 * `npm run bench:durability [-- --sessions 500 --writers 10 --seconds 10]`: what keeping
 * sessions on disk costs and what it guarantees, measured on the real server.
 *
 * 1. The cost of durability on one write: the same INSERT in better-sqlite3 on an in-memory
 *    database and on a WAL file with synchronous=NORMAL, as the SQLite children open them.
 * 2. kill -9 of a SQLite child, then of the server, while learners write (each write awaited and
 *    read back after the restart): acknowledged writes lost.
 * 3. A restart with many stored sessions: time until the server listens again, and each
 *    session's first request afterwards (its code compiles again, its isolate is built).
 * 4. A worker killed by a learner's ever-growing Map, five times: how soon the offender's next
 *    request answers, and the slowest request of ten other learners meanwhile.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { startServer } from './server.ts'

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '500' }, writers: { type: 'string', default: '10' }, seconds: { type: 'string', default: '10' } },
})
const sessionCount = Number(values.sessions)
const writers = Number(values.writers)
const seconds = Number(values.seconds)

const NOTES_APP = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const app = new Hono()
app.post('/notes', async (c) => {
  const { body } = await c.req.json()
  return c.json({ id: db.run('INSERT INTO notes (body) VALUES (?)', [body]).lastInsertRowid }, 201)
})
app.get('/notes', (c) => c.json(db.all('SELECT body FROM notes').map((row) => row.body)))
export default app
`

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!
const rows: [string, string][] = []

// 1. One write, in memory and on a file.
{
  const folder = mkdtempSync(join(tmpdir(), 'sandbox-bench-write-'))
  const perWrite = (db: Database.Database) => {
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO notes (body) VALUES (?)')
    const times: number[] = []
    for (let i = 0; i < 5000; i++) {
      const started = performance.now()
      insert.run(`note ${i}`)
      times.push(performance.now() - started)
    }
    db.close()
    return times
  }
  const file = new Database(join(folder, 'notes.sqlite'))
  file.pragma('journal_mode = WAL')
  file.pragma('synchronous = NORMAL')
  const memory = perWrite(new Database(':memory:'))
  const onFile = perWrite(file)
  rmSync(folder, { recursive: true, force: true })
  rows.push([
    'one INSERT, in memory / WAL file (median, p99)',
    `${ms(median(memory))} / ${ms(median(onFile))}, ${ms(percentile(memory, 99))} / ${ms(percentile(onFile, 99))}`,
  ])
  rows.push(['cost of durability per write (median)', ms(median(onFile) - median(memory))])
}

function ms(value: number) {
  return `${value.toFixed(3)} ms`
}

const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-bench-durability-'))
const port = 4400 + Math.floor(Math.random() * 90)
const base = `http://127.0.0.1:${port}`
const servers: ChildProcess[] = []

async function start(): Promise<{ server: ChildProcess; startedMs: number }> {
  const started = performance.now()
  const server = await startServer(port, { DATA_DIR: dataDir })
  servers.push(server)
  return { server, startedMs: performance.now() - started }
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** A request through a session's app: its status, or 0 when the server did not answer. */
async function send(id: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  try {
    const answer = await api('POST', `/sessions/${id}/requests`, { method, path, body: body === undefined ? undefined : JSON.stringify(body) })
    return answer.status === 200
      ? { status: answer.body.status, body: answer.body.body }
      : { status: answer.status, body: JSON.stringify(answer.body) }
  } catch {
    return { status: 0, body: '' }
  }
}

async function waitForExit(server: ChildProcess) {
  if (server.exitCode !== null || server.signalCode !== null) return
  await new Promise((resolve) => server.once('exit', resolve))
}

/** The server's SQLite children (child.js), by /proc. */
function sqliteChildren(pid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
    .toString()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'latin1').includes('child.js')
      } catch {
        return false
      }
    })
}

try {
  // 2. Writers, a SQLite child killed halfway, then the server killed at the end.
  let { server } = await start()
  const ids: string[] = []
  for (let i = 0; i < writers; i++) {
    const created = await api('POST', '/sessions', { code: NOTES_APP })
    if (created.status !== 201) throw new Error(`could not create a session: ${JSON.stringify(created.body)}`)
    ids.push(created.body.sessionId)
  }
  const acknowledged = new Map<string, string[]>(ids.map((id) => [id, []]))
  let failed = 0
  let serverKilled = false
  const until = Date.now() + seconds * 1000
  const childKill = setTimeout(
    () => {
      for (const pid of sqliteChildren(server.pid!).slice(0, 1)) process.kill(pid, 'SIGKILL')
    },
    (seconds * 1000) / 2,
  )
  const serverKill = setTimeout(() => {
    serverKilled = true
    server.kill('SIGKILL')
  }, seconds * 1000)
  await Promise.all(
    ids.map(async (id, index) => {
      for (let n = 0; Date.now() < until + 1000 && !serverKilled; n++) {
        const note = `writer ${index} note ${n}`
        const answer = await send(id, 'POST', '/notes', { body: note })
        if (answer.status === 201) acknowledged.get(id)!.push(note)
        else if (!serverKilled) failed++
      }
    }),
  )
  clearTimeout(childKill)
  clearTimeout(serverKill)
  await waitForExit(server)

  const restarted = await start()
  server = restarted.server
  let written = 0
  let lost = 0
  for (const id of ids) {
    const found = await send(id, 'GET', '/notes')
    const present = new Set<string>(found.status === 200 ? JSON.parse(found.body) : [])
    for (const note of acknowledged.get(id)!) {
      written++
      if (!present.has(note)) lost++
    }
  }
  rows.push([
    `${writers} writers for ${seconds} s, a SQLite child kill -9'd halfway, the server kill -9'd at the end`,
    `${written} writes acknowledged, ${lost} lost; ${failed} refused while the child was replaced`,
  ])

  // 3. Many stored sessions, then kill -9 and a restart.
  for (let i = ids.length; i < sessionCount; i++) {
    const created = await api('POST', '/sessions', { code: NOTES_APP })
    if (created.status !== 201) throw new Error(`could not create a session: ${JSON.stringify(created.body)}`)
    await send(created.body.sessionId, 'POST', '/notes', { body: 'first' })
    ids.push(created.body.sessionId)
  }
  server.kill('SIGKILL')
  await waitForExit(server)
  const again = await start()
  server = again.server
  const firstRequest: number[] = []
  let answered = 0
  for (const id of ids) {
    const started = performance.now()
    const found = await send(id, 'GET', '/notes')
    firstRequest.push(performance.now() - started)
    if (found.status === 200) answered++
  }
  rows.push([`restart with ${ids.length} stored sessions: until listening`, `${(again.startedMs / 1000).toFixed(2)} s`])
  rows.push([
    "each session's first request after it (median, p95)",
    `${median(firstRequest).toFixed(1)} ms, ${percentile(firstRequest, 95).toFixed(1)} ms (${answered} of ${ids.length} answered 200)`,
  ])

  // 4. Workers killed by a learner's program, while others keep reading.
  const BOMB_APP = `import { Hono } from 'hono'
const app = new Hono()
app.get('/', (c) => c.text('alive'))
app.get('/boom', () => { const m = new Map(); for (let i = 0; ; i++) m.set(i, i) })
export default app
`
  const bomb = await api('POST', '/sessions', { code: BOMB_APP })
  const bystanders = ids.slice(0, 10)
  const recovery: number[] = []
  const bystanderLatencies: number[] = []
  let crashing = true
  const readers = bystanders.map(async (id) => {
    while (crashing) {
      const started = performance.now()
      await send(id, 'GET', '/notes')
      bystanderLatencies.push(performance.now() - started)
    }
  })
  for (let round = 0; round < 5; round++) {
    // On a busy machine the isolate's CPU limit may stop the Map before V8 dies: send it again.
    let crashed = await send(bomb.body.sessionId, 'GET', '/boom')
    for (let attempt = 1; attempt < 5 && !/memory/.test(JSON.stringify(crashed)); attempt++) crashed = await send(bomb.body.sessionId, 'GET', '/boom')
    const diedAt = performance.now()
    if (!/memory/.test(JSON.stringify(crashed))) throw new Error(`expected the memory message, got ${JSON.stringify(crashed)}`)
    // Found to crash workers (its second death), its code is paused until it sends code again.
    if (/ran out of memory/.test(JSON.stringify(crashed))) await api('PUT', `/sessions/${bomb.body.sessionId}/code`, { code: BOMB_APP })
    const next = await send(bomb.body.sessionId, 'GET', '/')
    if (next.body !== 'alive') throw new Error(`the offender's next request failed: ${JSON.stringify(next)}`)
    recovery.push(performance.now() - diedAt)
  }
  crashing = false
  await Promise.all(readers)
  rows.push([
    "a worker killed by a learner's Map, 5 times: the offender's next answer after (median, max)",
    `${median(recovery).toFixed(0)} ms, ${Math.max(...recovery).toFixed(0)} ms`,
  ])
  rows.push([
    '10 other learners reading meanwhile: requests, p50, p99, slowest, over 1.5 s',
    `${bystanderLatencies.length}, ${median(bystanderLatencies).toFixed(1)} ms, ${percentile(bystanderLatencies, 99).toFixed(1)} ms, ` +
      `${Math.max(...bystanderLatencies).toFixed(0)} ms, ${bystanderLatencies.filter((ms) => ms > 1500).length}`,
  ])
} finally {
  for (const server of servers) server.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}

const width = Math.max(...rows.map(([label]) => label.length))
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`)
