/**
 * Operating the server: HTTP hygiene (timeouts, connection cap, 413, concurrent resets, bad
 * headers, aborted uploads), the JSON log, /metrics and the health routes, against the real
 * server on a real socket. Logs are captured from the server's own logger.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../sandbox-server/observability/index.ts'
import { startTestServer, type TestServer } from './support/server.ts'

type LogLine = Record<string, any>

/** A logger whose lines the test reads, and can wait for. */
function captureLogs() {
  const raw: string[] = []
  const lines: LogLine[] = []
  const waiting = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>()
  const destination = {
    write(text: string) {
      raw.push(text)
      const line = JSON.parse(text) as LogLine
      lines.push(line)
      for (const waiter of waiting) {
        if (!waiter.match(line)) continue
        waiting.delete(waiter)
        waiter.resolve(line)
      }
    },
  }
  return {
    logger: createLogger({ level: 'debug', destination }),
    raw,
    lines,
    /** The first line matching, now or when it is written. */
    waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
      const found = lines.find(match)
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.add({ match, resolve }))
    },
  }
}

/** A raw HTTP/1.1 exchange: writes `text`, collects what comes back until the server closes. */
function exchange(port: number, text: string | Buffer, { keepOpen = false } = {}) {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString()))
  const closed = new Promise<string>((resolve) => {
    socket.on('error', () => {})
    socket.on('close', () => resolve(received))
  })
  socket.write(text)
  if (!keepOpen) socket.end()
  return { socket, closed, received: () => received }
}

function waitForData(socket: Socket, contains: string): Promise<void> {
  let seen = ''
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      if (!seen.includes(contains)) return
      socket.off('data', onData)
      resolve()
    }
    socket.on('data', onData)
  })
}

const echoApp = `
import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY)')
const app = new Hono()
app.get('/', (c) => c.text('hello'))
app.get('/echo-header', (c) => c.text(c.req.header('x-note') ?? 'none'))
app.post('/hit', (c) => c.json(db.run('INSERT INTO hits DEFAULT VALUES')))
app.get('/hits', (c) => c.json(db.get('SELECT count(*) AS n FROM hits')))
app.get('/big', (c) => c.text('x'.repeat(2 * 1024 * 1024)))
app.get('/runaway-sql', (c) => c.json(db.get('WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) AS n FROM r')))
export default app
`

let server: TestServer
const logs = captureLogs()
beforeAll(async () => {
  server = await startTestServer({
    app: { logger: logs.logger },
    db: { statementTimeoutMs: 300 },
    http: { headersTimeoutMs: 1000, requestTimeoutMs: 1000 },
  })
})
afterAll(() => server.close())

describe('HTTP hygiene', () => {
  it('answers an early 413 with Connection: close and then closes, on live URLs and the API', async () => {
    const id = await server.createApp(echoApp)
    for (const [host, path] of [
      [`${id}.localhost`, '/upload'],
      ['127.0.0.1', `/s/${id}/upload`],
      ['127.0.0.1', '/api/sessions'],
    ]) {
      const { closed } = exchange(server.port, `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 50000000\r\n\r\n${'a'.repeat(1000)}`, {
        keepOpen: true,
      })
      const response = await closed
      expect(response).toMatch(/^HTTP\/1\.1 413 /)
      expect(response.toLowerCase()).toContain('connection: close')
      expect(response.toLowerCase()).not.toContain('keep-alive')
    }
    // The server itself is fine: a new connection gets an answer.
    expect((await server.raw('GET', '/', { headers: { host: `${id}.localhost` } })).text).toBe('hello')
  })

  it('cuts off a request body that arrives too slowly (408, connection closed) and logs it in one line', async () => {
    const id = await server.createApp(echoApp)
    const { closed } = exchange(
      server.port,
      `POST /api/sessions/${id}/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"method":`,
      { keepOpen: true },
    )
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /)
    const line = await logs.waitFor((line) => line.event === 'request' && line.route === '/api/sessions/:id/requests' && line.aborted === true)
    expect(line).toMatchObject({ method: 'POST', level: 'info' })
    expect(logs.lines.filter((line) => line.event === 'internal_error')).toEqual([])
    expect(logs.raw.join('')).not.toMatch(/\n\s+at /)
  })

  it('cuts off a client that never finishes its headers', async () => {
    const { closed } = exchange(server.port, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n', { keepOpen: true })
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('logs an aborted upload as one line, with no stack and no internal error', async () => {
    const id = await server.createApp(echoApp)
    for (const [host, path, route] of [
      ['127.0.0.1', `/api/sessions/${id}/requests`, '/api/sessions/:id/requests'],
      [`${id}.localhost`, '/hit', 'live'],
    ]) {
      // Half a body, then the client goes away.
      const socket = connect(server.port, '127.0.0.1')
      socket.on('error', () => {})
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1000\r\n\r\n{"partial`, () => socket.destroy())
      const line = await logs.waitFor((line) => line.event === 'request' && line.route === route && line.aborted === true && line.method === 'POST')
      expect(line.error).toBeUndefined()
    }
    expect(logs.lines.filter((line) => line.event === 'internal_error')).toEqual([])
    expect(logs.raw.join('')).not.toMatch(/\n\s+at |node:_http_server/)
  })

  it('closes connections past the cap at once and serves again when one is freed', async () => {
    const capped = await startTestServer({ http: { maxConnections: 3 } })
    try {
      await connectionsPastTheCap(capped.port, 3)
    } finally {
      await capped.close()
    }
  })

  async function connectionsPastTheCap(port: number, cap: number) {
    const open = await Promise.all(
      Array.from({ length: cap }, async () => {
        const connection = exchange(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { keepOpen: true })
        await waitForData(connection.socket, '"ok":true')
        return connection
      }),
    )
    const refused = exchange(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { keepOpen: true })
    expect(await refused.closed).toBe('')
    open[0]!.socket.destroy()
    await open[0]!.closed
    const served = exchange(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(await served.closed).toMatch(/^HTTP\/1\.1 200 /)
    for (const connection of open) connection.socket.destroy()
    await Promise.all(open.map((connection) => connection.closed))
  }

  it('runs concurrent resets of one session one after another: all succeed and the database is fresh', async () => {
    const id = await server.createApp(echoApp)
    await server.send(id, { method: 'POST', path: '/hit' })
    const resets = await Promise.all(Array.from({ length: 6 }, () => server.api('POST', `/sessions/${id}/reset`)))
    expect(resets.map((reset) => reset.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect((await server.send(id, { path: '/hits' })).body.body).toBe('{"n":0}')
  })

  it("reports a bad header sent through /requests as the caller's 400, naming the header", async () => {
    const id = await server.createApp(echoApp)
    const badName = await server.send(id, { path: '/echo-header', headers: { 'x note': 'a' } })
    expect(badName.status).toBe(400)
    expect(badName.body.error).toMatchObject({ code: 'invalid_body', problems: [{ field: 'headers.x note' }] })
    expect(badName.body.error.problems[0].message).toContain('header name')
    const badValue = await server.send(id, { path: '/echo-header', headers: { 'x-note': 'line\nbreak' } })
    expect(badValue.status).toBe(400)
    expect(badValue.body.error.problems).toEqual([{ field: 'headers.x-note', message: expect.stringContaining('header value') }])
    const fine = await server.send(id, { path: '/echo-header', headers: { 'x-note': 'hi' } })
    expect(fine).toMatchObject({ status: 200, body: { body: 'hi' } })
  })
})

describe('the server log', () => {
  it('writes one line per API and live-URL request: route pattern, status, duration, session hash, never the id', async () => {
    const created = await server.api('POST', '/sessions', { code: echoApp })
    const id = created.body.sessionId as string
    const sent = await server.fetch(`/api/sessions/${id}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/' }),
    })
    const reqId = sent.headers.get('x-request-id')
    expect(reqId).toMatch(/^[0-9a-f]{16}$/)
    await server.raw('GET', '/', { headers: { host: `${id.toUpperCase()}.localhost` } })
    await server.raw('GET', `/s/${id}/`)

    const mine = logs.lines.filter((line) => line.event === 'request' && line.session === logs.lines.find((l) => l.reqId === reqId)?.session)
    expect(mine.map(({ method, route, status }) => ({ method, route, status }))).toEqual([
      { method: 'POST', route: '/api/sessions', status: 201 },
      { method: 'POST', route: '/api/sessions/:id/requests', status: 200 },
      { method: 'GET', route: 'live', status: 200 },
      { method: 'GET', route: '/s/:id/*', status: 200 },
    ])
    for (const line of mine) {
      expect(line).toMatchObject({ level: 'info', time: expect.any(String), reqId: expect.stringMatching(/^[0-9a-f]{16}$/) })
      expect(line.session).toMatch(/^[0-9a-f]{12}$/)
      expect(line.ms).toBeGreaterThanOrEqual(0)
    }
    const everything = logs.raw.join('').toLowerCase()
    expect(everything).not.toContain(id)
  })

  it('logs a limit hit as an event and on its request line', async () => {
    const id = await server.createApp(echoApp)
    const response = await server.send(id, { path: '/big' })
    expect(response.body.error).toMatchObject({ code: 'limit_exceeded', limit: 'output' })
    const hit = await logs.waitFor((line) => line.event === 'limit_hit' && line.limit === 'output')
    const request = logs.lines.find((line) => line.event === 'request' && line.reqId === hit.reqId)
    expect(hit).toMatchObject({ level: 'warn', route: '/api/sessions/:id/requests' })
    expect(request).toMatchObject({ status: 422, limit: 'output' })
  })

  it('logs a SQLite child restart after a runaway query', async () => {
    const id = await server.createApp(echoApp)
    // However the app answers (its error handler's 500, a limit, a busy server), the child running the query is killed.
    await server.send(id, { path: '/runaway-sql' })
    const restart = await logs.waitFor((line) => line.event === 'sqlite_child_restarted')
    expect(restart).toMatchObject({ level: 'warn', count: expect.any(Number) })
    const metrics = await (await server.fetch('/metrics')).text()
    expect(Number(/^sandbox_sqlite_child_restarts_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1)
  })

  it('drops and counts the lines past a client budget', async () => {
    const quiet = captureLogs()
    const limited = await startTestServer({ app: { logger: quiet.logger, logBudget: { linesPerSecond: 0.0001, burst: 5 } } })
    try {
      for (let i = 0; i < 12; i++) await limited.api('GET', '/health')
      expect(quiet.lines.filter((line) => line.event === 'request')).toHaveLength(5)
      const metrics = await (await limited.fetch('/metrics')).text()
      expect(metrics).toMatch(/^sandbox_log_lines_dropped_total 7$/m)
    } finally {
      await limited.close()
    }
  })

  it('logs sessions the sweep expired or evicted, by hash', async () => {
    // Over the memory budget, isolates go first; what the cache holds is evicted with its session.
    const cachingApp = `import { Hono } from 'hono'
import { cache } from 'sandbox'
const app = new Hono()
app.get('/', (c) => { cache.set('kept', 'x'.repeat(1000)); return c.text('ok') })
export default app`
    for (const [store, event] of [
      [{ idleTtlMs: 0 }, 'session_expired'],
      [{ memoryBudgetBytes: 0 }, 'session_evicted'],
    ] as const) {
      const captured = captureLogs()
      const swept = await startTestServer({ app: { logger: captured.logger }, store })
      try {
        const id = await swept.createApp(cachingApp)
        expect((await swept.send(id, { path: '/' })).body.status).toBe(200)
        await swept.sessions.sweep()
        const line = await captured.waitFor((line) => line.event === event)
        expect(line.session).toMatch(/^[0-9a-f]{12}$/)
        expect(captured.raw.join('')).not.toContain(id)
        expect(await (await swept.fetch('/metrics')).text()).toContain(`sandbox_sessions_removed_total{reason="${event.slice(8)}"} 1`)
      } finally {
        await swept.close()
      }
    }
  })
})

describe('metrics and health', () => {
  it('serves Prometheus text: requests by route and outcome, latency, limit hits, sessions, children', async () => {
    const id = await server.createApp(echoApp)
    await server.send(id, { path: '/' })
    await server.send(id, { path: '/big' })
    const response = await server.fetch('/metrics')
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toMatch(/^sandbox_http_requests_total\{route="\/api\/sessions\/:id\/requests",method="POST",outcome="2xx"\} \d+$/m)
    expect(text).toMatch(/^sandbox_http_requests_total\{route="\/api\/sessions\/:id\/requests",method="POST",outcome="limit"\} \d+$/m)
    expect(text).toMatch(/^sandbox_http_request_duration_seconds_bucket\{le="0\.1",route="\/api\/sessions\/:id\/requests"\} \d+$/m)
    expect(text).toMatch(/^sandbox_limit_hits_total\{kind="output"\} \d+$/m)
    expect(text).toMatch(/^sandbox_sessions [1-9]\d*$/m)
    expect(text).toMatch(/^sandbox_sqlite_children [1-9]$/m)
    expect(text).toMatch(/^sandbox_runs\{state="waiting"\} 0$/m)
    expect(text).toMatch(/^sandbox_sqlite_databases \d+$/m)
    expect(text).toContain('process_resident_memory_bytes')
    expect(text).not.toContain(id)
  })

  it('answers /health/live and /health/ready, and keeps /api/health', async () => {
    expect(await (await server.fetch('/health/live')).json()).toEqual({ ok: true })
    const ready = await server.fetch('/health/ready')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ok: true, checks: { sqlite: 'ok', passwords: 'ok' } })
    expect(await server.api('GET', '/health')).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('fails /health/ready with 503 when the SQLite pool has no child, while /health/live still answers', async () => {
    const broken = await startTestServer()
    try {
      await broken.sessions.database.dispose()
      const ready = await broken.fetch('/health/ready')
      expect(ready.status).toBe(503)
      expect(await ready.json()).toEqual({ ok: false, checks: { sqlite: 'no SQLite child process is running', passwords: 'ok' } })
      expect((await broken.fetch('/health/live')).status).toBe(200)
    } finally {
      await broken.close()
    }
  })
})
