/**
 * A classroom's load against a running server: `learners` send correct CRUD requests (every
 * write read back, the database panel read now and then) while `hostile` learners send loops,
 * memory bombs, runaway SQL and log floods, for `seconds`. Everything goes over HTTP, as a
 * class reaches the server. Used by `npm run bench:load` (figures) and by the full test tier
 * (assertions): correct requests must never fail with a limit blamed on the code, no
 * acknowledged write may be lost, and a request answered as failed must leave no write behind.
 */
import { request as httpRequest } from 'node:http'

export interface ClassroomOptions {
  /** The server, e.g. http://127.0.0.1:3000 */
  baseUrl: string
  learners: number
  hostile: number
  seconds: number
}

export interface ClassroomReport {
  requests: number
  /** Correct learners' requests by answer status ("200", "201", "503", ...). */
  statuses: Record<string, number>
  /** Correct learners' requests that failed with a limit blamed on their code (422 limit_exceeded). */
  blamed: number
  /** What those were told (the first 10). */
  blamedMessages: string[]
  /** Correct learners' requests that failed any other way than 503 busy (500s, network errors...). */
  otherFailures: string[]
  hostileRequests: number
  /** Latency of correct learners' requests, ms. */
  p50: number
  p95: number
  p99: number
  writesAcknowledged: number
  writesLost: number
  /** Writes whose request was answered as failed, yet the row is in the database. */
  failedWritesKept: number
}

const NOTES_APP = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const app = new Hono()
app.post('/notes', async (c) => {
  const { body } = await c.req.json()
  const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', [body])
  return c.json({ id: Number(lastInsertRowid), body }, 201)
})
app.get('/notes/:id', (c) => {
  const note = db.get('SELECT id, body FROM notes WHERE id = ?', [Number(c.req.param('id'))])
  return note ? c.json(note) : c.json({ error: 'not found' }, 404)
})
export default app
`

const HOSTILE_APPS = [
  `app.get('/', () => { while (true) {} })`,
  `app.get('/', () => { const hoard = []; while (true) hoard.push(new Float64Array(1 << 20)) })`,
  `app.get('/', (c) => c.json(db.get('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n')))`,
  `app.get('/', (c) => { for (let i = 0; i < 1e7; i++) console.log('flood '.repeat(20)); return c.text('done') })`,
].map((route) => `import { Hono } from 'hono'\nimport { db } from 'sandbox'\nconst app = new Hono()\n${route}\nexport default app\n`)

async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  try {
    const response = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  } catch (error) {
    return { status: 0, body: { error: { code: 'network', message: (error as Error).message } } }
  }
}

/** One request to a live URL (`<id>.localhost`), connecting to the server's own address. */
function live(baseUrl: string, id: string, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { host: hostname, port, method, path, headers: { host: `${id}.localhost:${port}`, ...(body ? { 'content-type': 'application/json' } : {}) } },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
      },
    )
    outgoing.on('error', (error) => resolve({ status: 0, text: error.message }))
    outgoing.end(body)
  })
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

/**
 * @example
 * const report = await runClassroom({ baseUrl: 'http://127.0.0.1:3000', learners: 20, hostile: 5, seconds: 60 })
 */
export async function runClassroom({ baseUrl, learners, hostile, seconds }: ClassroomOptions): Promise<ClassroomReport> {
  const report: ClassroomReport = {
    requests: 0,
    statuses: {},
    blamed: 0,
    blamedMessages: [],
    otherFailures: [],
    hostileRequests: 0,
    p50: 0,
    p95: 0,
    p99: 0,
    writesAcknowledged: 0,
    writesLost: 0,
    failedWritesKept: 0,
  }
  const latencies: number[] = []
  const until = Date.now() + seconds * 1000

  function count(status: number, body: any, what: string) {
    report.requests++
    report.statuses[String(status)] = (report.statuses[String(status)] ?? 0) + 1
    if (status === 422 && body?.error?.code === 'limit_exceeded') {
      report.blamed++
      if (report.blamedMessages.length < 10) report.blamedMessages.push(`${what}: ${body.error.limit}: ${body.error.message}`)
    }
    // 503 "busy, try again" is an honest answer under load; anything else is a failure.
    else if (status !== 503 && (status === 0 || status >= 400)) report.otherFailures.push(`${what}: ${status} ${JSON.stringify(body).slice(0, 200)}`)
  }

  async function correctLearner(index: number) {
    const created = await api(baseUrl, 'POST', '/sessions', { code: NOTES_APP })
    if (created.status !== 201) throw new Error(`could not create a learner's session: ${JSON.stringify(created.body)}`)
    const id: string = created.body.sessionId
    const acknowledged = new Set<string>()
    const failed = new Set<string>()
    for (let n = 0; Date.now() < until; n++) {
      const body = `learner ${index} note ${n}`
      const viaLive = n % 2 === 0
      const started = performance.now()
      let status: number
      let answer: any
      if (viaLive) {
        const response = await live(baseUrl, id, 'POST', '/notes', JSON.stringify({ body }))
        status = response.status
        answer = status === 201 ? JSON.parse(response.text) : safeJson(response.text)
      } else {
        const response = await api(baseUrl, 'POST', `/sessions/${id}/requests`, { method: 'POST', path: '/notes', body: JSON.stringify({ body }) })
        status = response.status === 200 ? response.body.status : response.status
        answer = response.status === 200 ? JSON.parse(response.body.body) : response.body
      }
      latencies.push(performance.now() - started)
      count(status, answer, 'POST /notes')
      if (status !== 201) {
        failed.add(body)
        continue
      }
      acknowledged.add(body)
      // Read it back.
      const readStarted = performance.now()
      const read = await api(baseUrl, 'POST', `/sessions/${id}/requests`, { method: 'GET', path: `/notes/${answer.id}` })
      latencies.push(performance.now() - readStarted)
      const readStatus = read.status === 200 ? read.body.status : read.status
      count(readStatus, read.body, 'GET /notes/:id')
      if (n % 5 === 0) {
        const panel = await api(baseUrl, 'GET', `/sessions/${id}/db/notes?limit=1`)
        count(panel.status, panel.body, 'database panel')
      }
    }
    // Every acknowledged write is there; no write answered as failed is.
    const kept = new Set<string>()
    for (let offset = 0; ; offset += 200) {
      const page = await api(baseUrl, 'GET', `/sessions/${id}/db/notes?limit=200&offset=${offset}`)
      const rows: unknown[][] = page.body?.rows ?? []
      for (const row of rows) kept.add(String(Array.isArray(row) ? row[1] : (row as { body: string }).body))
      if (rows.length < 200) break
    }
    report.writesAcknowledged += acknowledged.size
    for (const body of acknowledged) if (!kept.has(body)) report.writesLost++
    for (const body of failed) if (kept.has(body)) report.failedWritesKept++
  }

  async function hostileLearner(index: number) {
    const created = await api(baseUrl, 'POST', '/sessions', { code: HOSTILE_APPS[index % HOSTILE_APPS.length] })
    const id: string = created.body.sessionId
    while (Date.now() < until) {
      await api(baseUrl, 'POST', `/sessions/${id}/requests`, { method: 'GET', path: '/' })
      report.hostileRequests++
    }
  }

  await Promise.all([
    ...Array.from({ length: learners }, (_, index) => correctLearner(index)),
    ...Array.from({ length: hostile }, (_, index) => hostileLearner(index)),
  ])
  report.p50 = percentile(latencies, 50)
  report.p95 = percentile(latencies, 95)
  report.p99 = percentile(latencies, 99)
  return report
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
