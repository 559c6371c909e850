/**
 * A learner is charged only for their own work: waiting for a core, for the SQLite child or
 * behind a neighbour's runaway query is not the learner's CPU, and when the machine is too
 * busy to finish a run the answer is 503 "busy, try again", never a limit blamed on the code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

function app(routes: string) {
  return `import { Hono } from 'hono'\nimport { db } from 'sandbox'\nconst app = new Hono()\n${routes}\nexport default app\n`
}

const RUNAWAY = `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) AS c FROM n`

describe('a neighbour’s runaway query', () => {
  let server: TestServer
  // One SQLite child: every session's statements wait behind the runaway.
  beforeAll(async () => {
    server = await startTestServer({ db: { processes: 1 } })
  })
  afterAll(() => server.close())

  it('costs the requests queued behind it nothing, and stops only the runaway', async () => {
    const runaway = await server.createApp(app(`app.get('/', (c) => c.json(db.get('${RUNAWAY}')))`))
    const learner = await server.createApp(
      app(`db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)')
app.post('/notes', (c) => {
  const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', ['hello'])
  return c.json(db.get('SELECT id, body FROM notes WHERE id = ?', [lastInsertRowid]), 201)
})`),
    )
    const stopped = server.send(runaway, { path: '/' })
    // Sent while the runaway holds the only child: each write waits behind it. Waiting is not
    // the learner's work: a write succeeds, or on a machine too busy to finish it in time it is
    // a 503 to retry, never a limit blamed on the code.
    const writes = await Promise.all(Array.from({ length: 6 }, () => server.send(learner, { method: 'POST', path: '/notes' })))
    for (const write of writes) {
      if (write.status === 503) expect(write.body.error.code).toBe('server_busy')
      else {
        expect(write.body.error?.message).toBeUndefined()
        expect(write.body.status).toBe(201)
      }
    }
    const runawayAnswer = await stopped
    if (runawayAnswer.status !== 503) {
      expect(runawayAnswer.status).toBe(422)
      expect(runawayAnswer.body.error).toMatchObject({ limit: 'cpu', message: expect.stringMatching(/^your SQL query ran longer than 1 s/) })
    }
    const after = await server.send(learner, { method: 'POST', path: '/notes' })
    expect(after.body.status).toBe(201)
  })
})

describe('a run the machine could not finish in time', () => {
  let server: TestServer
  // A wall-clock budget far below the CPU budget stands in for a machine too busy to give the run its CPU.
  beforeAll(async () => {
    server = await startTestServer({ store: { limits: { cpuMs: 10_000, wallMs: 200 } } })
  })
  afterAll(() => server.close())

  it('answers 503 with Retry-After, not a limit blamed on the code', async () => {
    const id = await server.createApp(
      app(`app.get('/', (c) => { const end = Date.now() + 2000; while (Date.now() < end) {} return c.text('done') })`),
    )
    const response = await server.fetch(`/api/sessions/${id}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/' }),
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('2')
    const { error } = await response.json()
    expect(error).toMatchObject({ code: 'server_busy', message: expect.stringContaining('this is not a bug in your code') })
  })

  it('still reports a promise that never settles as the wall-clock limit', async () => {
    const id = await server.createApp(app(`app.get('/', async (c) => { await new Promise(() => {}); return c.text('never') })`))
    const response = await server.send(id, { path: '/' })
    expect(response.status).toBe(422)
    expect(response.body.error).toMatchObject({ limit: 'wall' })
  })
})

describe('a stopped request leaves nothing behind', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('rolls back the db.transaction a limit stopped half-way, and says so', async () => {
    const id = await server.createApp(
      app(`db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)')
app.post('/half', (c) => db.transaction(() => { db.run('INSERT INTO notes (body) VALUES (?)', ['half']); while (true) {} }))
app.post('/whole', (c) => c.json(db.transaction(() => db.run('INSERT INTO notes (body) VALUES (?)', ['whole']).changes)))
app.get('/notes', (c) => c.json(db.all('SELECT body FROM notes ORDER BY id')))`),
    )
    const stopped = await server.send(id, { method: 'POST', path: '/half' })
    expect(stopped.status).toBe(422)
    expect(stopped.body.error.limit).toBe('cpu')
    expect(stopped.body.error.message).toMatch(/\(its open db\.transaction was rolled back\.\)$/)

    // The panel never shows the uncommitted row, and the next transaction starts cleanly.
    const panel = await server.api('GET', `/sessions/${id}/db/notes`)
    expect(panel.body.rows).toEqual([])
    const whole = await server.send(id, { method: 'POST', path: '/whole' })
    expect(whole.body.body).toBe('1')
    expect(JSON.parse((await server.send(id, { path: '/notes' })).body.body)).toEqual([{ body: 'whole' }])
  })
})

describe('admission control', () => {
  let server: TestServer
  // One run at a time and none waiting: the second concurrent run is turned away at once.
  beforeAll(async () => {
    server = await startTestServer({ store: { admission: { concurrent: 1, queued: 0 } } })
  })
  afterAll(() => server.close())

  it('answers 503 with Retry-After at once when the queue is full, and serves the next request', async () => {
    const id = await server.createApp(
      app(`app.get('/slow', async (c) => { await new Promise((resolve) => setTimeout(resolve, 300)); return c.text('slow') })
app.get('/', (c) => c.text('fast'))`),
    )
    const slow = server.send(id, { path: '/slow' })
    // Sent while /slow holds the only turn (its app was already built when the session was created).
    let refused: { status: number; body: any } | undefined
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      const answer = await server.send(id, { path: '/' })
      if (answer.status === 503) refused = answer
    }
    expect(refused?.body.error).toMatchObject({ code: 'server_busy', retryAfterSeconds: 2 })
    const slowAnswer = await slow
    expect(slowAnswer.body.error).toBeUndefined()
    expect(slowAnswer.body.body).toBe('slow')
    expect((await server.send(id, { path: '/' })).body.body).toBe('fast')
  })
})

describe('one session’s flood', () => {
  let server: TestServer
  // Three server-wide turns: a session may hold at most two of them.
  beforeAll(async () => {
    server = await startTestServer({ store: { admission: { concurrent: 3, queued: 100 } } })
  })
  afterAll(() => server.close())

  it('waits on its own turns and is turned away past them, while another session is served', async () => {
    const flooder = await server.createApp(
      app(`app.get('/', async (c) => { await new Promise((resolve) => setTimeout(resolve, 1500)); return c.text('slow') })`),
    )
    const bystander = await server.createApp(app(`app.get('/', (c) => c.text('fast'))`))
    const flood = Array.from({ length: 20 }, () => server.send(flooder, { path: '/' }))
    expect((await server.send(bystander, { path: '/' })).body.body).toBe('fast')
    const answers = await Promise.all(flood)
    const statuses = answers.map((answer) => answer.status)
    // Two run and eight wait; the other ten are told at once that the server is busy.
    expect(statuses.filter((status) => status === 503)).toHaveLength(10)
    expect(answers.filter((answer) => answer.body.body === 'slow')).toHaveLength(10)
  })
})
