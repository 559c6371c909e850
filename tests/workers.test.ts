/**
 * Worker processes: a learner's program that kills V8 takes down only its own worker. Real
 * workers (sandbox-server/sessions/workers/), the real HTTP app in memory. For each way to die
 * (a Map that grows forever, a huge array fill, a native abort) the test checks that the server
 * answers throughout, that another session on the same worker keeps its data and answers its
 * next request, that the offending session hears why, and that the workers are back to full
 * strength.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createServerApp } from '../sandbox-server/http/app.ts'
import { createLogger } from '../sandbox-server/observability/index.ts'
import { OOM_SCORE_ADJ } from '../sandbox-server/sessions/workers/protocol.ts'
import { createWorkerSessions, type WorkerSessions } from '../sandbox-server/sessions/workers/supervisor.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-workers-'))
const lines: Record<string, unknown>[] = []
let sessions: WorkerSessions
let app: ReturnType<typeof createServerApp>

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  const logger = createLogger({ level: 'silent' })
  const captured = createLogger({ destination })
  sessions = await createWorkerSessions({ dataDir, workers: 2, spare: true, testHooks: true, logger: captured })
  app = createServerApp({ sessions, logger, sessionsPerMinute: 10_000, gradesPerMinute: 10_000 })
})

afterAll(async () => {
  await sessions.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await app.request(`/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

const NOTES = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS notes (body TEXT)')
const app = new Hono()
app.post('/notes', async (c) => { db.run('INSERT INTO notes VALUES (?)', [await c.req.text()]); return c.text('saved', 201) })
app.get('/notes', (c) => c.json(db.all('SELECT body FROM notes').map((row) => row.body)))
app.post('/slow-notes', async (c) => {
  const body = await c.req.text()
  await new Promise((resolve) => setTimeout(resolve, 2000))
  db.run('INSERT INTO notes VALUES (?)', [body])
  return c.text('saved', 201)
})
app.get('/slow-notes', async (c) => {
  await new Promise((resolve) => setTimeout(resolve, 2000))
  return c.json(db.all('SELECT body FROM notes').map((row) => row.body))
})
export default app
`

const KILLERS = {
  'a Map that grows forever': `app.get('/boom', () => { const m = new Map(); for (let i = 0; ; i++) m.set(i, i) })`,
  'a huge array fill': `app.get('/boom', () => { new Array(2 ** 32 - 1).fill(0); return new Response('never') })`,
}

function appWith(route: string) {
  return `import { Hono } from 'hono'\nconst app = new Hono()\n${route}\napp.get('/', (c) => c.text('alive'))\nexport default app\n`
}

async function createWith(code: string): Promise<string> {
  const created = await api('POST', '/sessions', { code })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body.sessionId
}

async function send(id: string, method: string, path: string, body?: string) {
  return api('POST', `/sessions/${id}/requests`, { method, path, ...(body === undefined ? {} : { body }) })
}

/** The session that will crash its worker, a bystander with data on the same worker, and one on another. */
async function neighbours(killer: string) {
  const victim = await createWith(appWith(killer))
  let bystander: string | undefined
  let other: string | undefined
  while (!bystander || !other) {
    const id = await createWith(NOTES)
    if (sessions.workerOf(id) === sessions.workerOf(victim)) bystander ??= id
    else other ??= id
  }
  for (const id of [other, bystander]) expect((await send(id, 'POST', '/notes', 'kept')).body.status).toBe(201)
  return { victim, bystander, other }
}

function workerDeaths() {
  return lines.filter((line) => line.event === 'worker_died')
}

describe('the hop to a worker', () => {
  it('is what the kernel ends first when the machine runs out of memory, not the HTTP server', async () => {
    const pid = sessions.workerOf(await createWith(NOTES))!
    const score = (of: number | string) => Number(readFileSync(`/proc/${of}/oom_score_adj`, 'utf8'))
    expect(score(pid)).toBe(OOM_SCORE_ADJ)
    expect(score('self')).toBeLessThan(OOM_SCORE_ADJ)
  })

  it('carries bytes and integers past 2^53 unchanged, both ways', async () => {
    const id = await createWith(`import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS blobs (data BLOB, big INTEGER)')
const app = new Hono()
app.post('/echo', async (c) => {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  db.run('INSERT INTO blobs VALUES (?, 9007199254740993)', [bytes])
  const row = db.get('SELECT data, big FROM blobs')
  return c.body(row.data, 200, { 'x-big': String(row.big), 'content-type': 'application/octet-stream' })
})
export default app
`)
    const bytes = new Uint8Array(256).map((_, i) => i)
    const response = await app.request('/echo', { method: 'POST', headers: { host: `${id}.localhost` }, body: bytes })
    expect(response.status, await response.clone().text()).toBe(200)
    expect(response.headers.get('x-big')).toBe('9007199254740993')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes)
    // The database panel's rows cross too, and are shown as SQLite writes them.
    const table = await api('GET', `/sessions/${id}/db/blobs`)
    expect(table.body.rows).toEqual([[`X'${Buffer.from(bytes).toString('hex')}'`, '9007199254740993']])
  })
})

describe('a learner program that kills V8', () => {
  for (const [name, route] of Object.entries(KILLERS)) {
    it(`takes down only its own worker: ${name}`, async () => {
      const { victim, bystander, other } = await neighbours(route)
      const deathsBefore = workerDeaths().length

      // It kills its worker; on a busy machine its isolate's own limits may stop it first
      // (memory or CPU, inside the worker), and it is sent again, up to five times.
      let crashed = await send(victim, 'GET', '/boom')
      for (let attempt = 1; attempt < 5 && workerDeaths().length === deathsBefore; attempt++) crashed = await send(victim, 'GET', '/boom')
      expect(crashed.status).toBe(422)
      expect(crashed.body.error.code).toBe('limit_exceeded')
      // "ran out of memory" when it killed its worker twice; its isolate's own limit otherwise.
      expect(crashed.body.error.message).toMatch(/memory|CPU/)

      // The server kept answering; the bystander on the dead worker kept its data; so did the other.
      expect((await api('GET', '/health')).status).toBe(200)
      expect(JSON.parse((await send(bystander, 'GET', '/notes')).body.body)).toEqual(['kept'])
      expect(JSON.parse((await send(other, 'GET', '/notes')).body.body)).toEqual(['kept'])
      // The offending session answers again, from a fresh isolate (once it sends its code, if it
      // was found to crash workers: until then, or for 30 s, its code is paused).
      if (crashed.body.error.message.includes('ran out of memory')) {
        const paused = await send(victim, 'GET', '/')
        expect(paused.body.error.message).toMatch(/paused for \d+ s/)
        expect((await api('PUT', `/sessions/${victim}/code`, { code: `${appWith(route)}// fixed\n` })).status).toBe(200)
      }
      expect((await send(victim, 'GET', '/')).body.body).toBe('alive')

      await vi.waitFor(() => expect(sessions.stats().processes).toBeGreaterThanOrEqual(4), { timeout: 60_000, interval: 50 })
    })
  }

  it('takes down only its own worker: a native abort', async () => {
    const { victim, bystander } = await neighbours(`app.get('/boom', (c) => c.text('fine'))`)
    await expect(sessions.crashWorker(victim)).rejects.toThrow(/process running your app stopped/)
    expect(JSON.parse((await send(bystander, 'GET', '/notes')).body.body)).toEqual(['kept'])
    expect((await send(victim, 'GET', '/')).body.body).toBe('alive')
  })

  it('blames the one session running in each of three deaths no evidence explained, never one that ran in only some', async () => {
    const { victim, bystander } = await neighbours(`app.get('/boom', (c) => c.text('fine'))`)
    // A native abort leaves no report that names anyone: each death alone is unexplained (the
    // abort is sent again once, as a read is, so each call may end two workers). The bystander
    // has a read running in the first.
    const read = send(bystander, 'GET', '/slow-notes')
    await new Promise((resolve) => setTimeout(resolve, 200))
    let paused = false
    for (let crash = 0; crash < 3 && !paused; crash++) {
      await expect(sessions.crashWorker(victim)).rejects.toThrow(/process running your app stopped/)
      paused = /paused for \d+ s/.test(JSON.stringify((await send(victim, 'GET', '/')).body))
    }
    expect(paused).toBe(true)
    // The bystander's read was sent again (or, sent again onto a dying worker, it was asked to
    // resend); it was never told it crashed anything, and its code runs.
    expect(JSON.stringify((await read).body)).not.toMatch(/ran out of memory|paused/)
    expect(JSON.parse((await send(bystander, 'GET', '/notes')).body.body)).toEqual(['kept'])
    // The same code again is the same crash again: the pause holds. Other code lifts it.
    const same = appWith(`app.get('/boom', (c) => c.text('fine'))`)
    expect((await api('PUT', `/sessions/${victim}/code`, { code: same })).status).toBe(200)
    expect((await send(victim, 'GET', '/')).body.error.message).toMatch(/paused for \d+ s: change your code/)
    expect((await api('PUT', `/sessions/${victim}/code`, { code: `${same}// changed\n` })).status).toBe(200)
    expect((await send(victim, 'GET', '/')).body.body).toBe('alive')
  })

  it('blames a program that crashes its worker from a timer, never the requests that were waiting there', async () => {
    const bomber = await createWith(
      appWith(
        `app.get('/arm', (c) => { setTimeout(() => { const m = new Map(); for (let i = 0; ; i++) m.set(i, { i }) }, 10); return c.text('armed') })`,
      ),
    )
    let innocent: string | undefined
    while (!innocent) {
      const id = await createWith(NOTES)
      if (sessions.workerOf(id) === sessions.workerOf(bomber)) innocent = id
    }
    expect((await send(innocent, 'POST', '/notes', 'kept')).body.status).toBe(201)
    // Each round the bomber arms its timer, and its worker dies (on a busy machine the isolate's
    // own budgets may stop the timer first: no death, no blame). After the second death it was
    // busy in, its next call hears why. The innocent's reads are always answered.
    const deathsBefore = workerDeaths().length
    const answers: { status: number; body: any }[] = []
    for (let round = 0; round < 8 && !answers.some((answer) => answer.body.error); round++) {
      const deaths = workerDeaths().length
      const read = send(innocent, 'GET', '/slow-notes')
      expect((await send(bomber, 'GET', '/arm')).body.body).toBe('armed')
      expect(JSON.parse((await read).body.body)).toEqual(['kept'])
      await vi.waitFor(() => expect(workerDeaths().length).toBeGreaterThan(deaths), { timeout: 5000, interval: 20 }).catch(() => {})
      answers.push(await send(bomber, 'GET', '/'))
    }
    const told = answers.find((answer) => answer.body.error)
    if (workerDeaths().length - deathsBefore >= 2) {
      expect(told?.body.error).toMatchObject({ code: 'limit_exceeded', limit: 'memory' })
      // Paused until it changes its code.
      expect((await send(bomber, 'GET', '/')).body.error.message).toMatch(/paused for \d+ s/)
      expect((await api('PUT', `/sessions/${bomber}/code`, { code: appWith(`app.get('/arm', (c) => c.text('disarmed'))`) })).status).toBe(200)
    }
    expect((await send(bomber, 'GET', '/')).body.body).toBe('alive')
  })

  it('never blames a busy neighbour: short turns that answer a heap check are not a heap grown in one run', async () => {
    const bombers = [await createWith(appWith(KILLERS['a Map that grows forever'])), await createWith(appWith(KILLERS['a Map that grows forever']))]
    // Computing hard, turn after turn, on whatever worker it lands: a suspect by CPU alone.
    const busy = await createWith(
      appWith(`app.get('/work', (c) => { let x = 0; for (let i = 0; i < 3e7; i++) x += i % 7; return c.text(String(x)) })`),
    )
    const answers: { status: number; body: any }[] = []
    let working = true
    const worker = (async () => {
      while (working) answers.push(await send(busy, 'GET', '/work'))
    })()
    const deathsBefore = workerDeaths().length
    const told: string[] = []
    // The bombers take turns until each was told (two deaths each), or for at most twelve bombs.
    for (let bomb = 0; bomb < 12 && told.length < bombers.length; bomb++) {
      const bomber = bombers[bomb % bombers.length]!
      if (told.includes(bomber)) continue
      const answer = await send(bomber, 'GET', '/boom')
      if (/ran out of memory/.test(answer.body.error?.message ?? '')) told.push(bomber)
    }
    working = false
    await worker
    expect(workerDeaths().length - deathsBefore).toBeGreaterThanOrEqual(2)
    // The neighbour was never told it crashed anything, nor paused; a read it had in flight on a
    // dying worker was sent again (or, sent again onto the next bomb, it was asked to resend; on
    // a machine this busy it may also hear that the server is).
    const refused = answers.filter((answer) => answer.status !== 200 || answer.body.status !== 200)
    for (const answer of refused) {
      expect(JSON.stringify(answer.body)).not.toMatch(/ran out of memory|paused/)
      expect(['worker_crashed', 'server_busy'], JSON.stringify(answer.body)).toContain(answer.body.error?.code)
    }
    expect(answers.length).toBeGreaterThan(refused.length)
    expect((await send(busy, 'GET', '/')).body.body).toBe('alive')
  })

  it('sends the reads in flight on a dead worker again, and says a write in flight may have happened (kill -9 from outside)', async () => {
    const id = await createWith(NOTES)
    expect((await send(id, 'POST', '/notes', 'kept')).body.status).toBe(201)
    // Both wait 2 s inside the app: the worker dies while they are in flight.
    const reads = Array.from({ length: 3 }, () => send(id, 'GET', '/slow-notes'))
    const write = send(id, 'POST', '/slow-notes', 'during')
    await vi.waitFor(() => expect(sessions.runs.running).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 20 })
    process.kill(sessions.workerOf(id)!, 'SIGKILL')
    for (const read of await Promise.all(reads)) expect(JSON.parse(read.body.body)).toEqual(['kept'])
    // Sent again, a write could happen twice: it is not, and the learner is told why (a 503:
    // the server's trouble, not the code's).
    const written = await write
    expect(written.status).toBe(503)
    expect(written.body.error).toMatchObject({ code: 'worker_crashed' })
    expect(written.body.error.message).toMatch(/may or may not have been applied/)
  })

  it('recycles a worker without losing anything: its sessions move on their next call, and it stops', async () => {
    const id = await createWith(NOTES)
    expect((await send(id, 'POST', '/notes', 'kept')).body.status).toBe(201)
    const old = sessions.workerOf(id)!
    const deaths = workerDeaths().length
    const slow = send(id, 'GET', '/slow-notes')
    sessions.recycleWorkerOf(id)
    // The call in flight finishes where it runs; the next ones go to another worker.
    expect(JSON.parse((await slow).body.body)).toEqual(['kept'])
    expect((await send(id, 'POST', '/notes', 'after')).body.status).toBe(201)
    expect(sessions.workerOf(id)).not.toBe(old)
    expect(JSON.parse((await send(id, 'GET', '/notes')).body.body)).toEqual(['kept', 'after'])
    await vi.waitFor(() => expect(lines.some((line) => line.event === 'worker_recycled' && line.pid === old)).toBe(true), {
      timeout: 60_000,
      interval: 20,
    })
    expect(workerDeaths().length).toBe(deaths)
  })

  it('logs and counts each death with its cause, never with a session id', async () => {
    const deaths = workerDeaths()
    expect(deaths.length).toBeGreaterThanOrEqual(3)
    // Each with its cause: V8's heap (when a bomb got that far on this machine) or the abort
    // (or, on a machine so busy that a dying worker went silent for 5 s, that).
    for (const death of deaths) expect(death.cause).toMatch(/out of memory|killed by SIG|exit code|stopped answering/)
    expect(deaths.map((death) => death.cause)).toContain('killed by SIGABRT')
    expect(JSON.stringify(lines)).not.toMatch(/[0-9a-f]{32}/)
    const metrics = await (await app.request('/metrics')).text()
    expect(Number(/^sandbox_worker_deaths_total (\d+)/m.exec(metrics)?.[1])).toBe(deaths.length)
    await vi.waitFor(async () => expect(await (await app.request('/metrics')).text()).toMatch(/^sandbox_workers 2$/m), { timeout: 60_000 })
  })
})
