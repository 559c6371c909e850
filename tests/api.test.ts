/**
 * The HTTP API as a specification: real isolates, real SQLite. Requests go through the Hono app
 * in memory (`app.request()`); the tests where the socket matters (live URLs reached by Host
 * name, bodies read from Node's request) use a server on a real port.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, startTestServer, type TestApp, type TestServer } from './support/server.ts'

let server: TestApp
let socket: TestServer
beforeAll(async () => {
  server = await createTestApp()
  socket = await startTestServer()
})
afterAll(async () => {
  await server.close()
  await socket.close()
})

const notesApp = `
import { Hono } from 'hono'
import { db } from 'sandbox'

db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const app = new Hono()

app.get('/notes', (c) => c.json(db.all('SELECT id, body FROM notes ORDER BY id')))
app.get('/notes/:id', (c) => {
  const note = db.get('SELECT id, body FROM notes WHERE id = ?', [c.req.param('id')])
  return note ? c.json(note) : c.json({ error: 'not found' }, 404)
})
app.post('/notes', async (c) => {
  const { body } = await c.req.json()
  if (typeof body !== 'string' || body === '') return c.json({ error: 'body is required' }, 400)
  const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', [body])
  c.header('Location', '/notes/' + lastInsertRowid)
  return c.json({ id: lastInsertRowid, body }, 201)
})
app.delete('/notes/:id', (c) => {
  const { changes } = db.run('DELETE FROM notes WHERE id = ?', [c.req.param('id')])
  return changes ? c.body(null, 204) : c.json({ error: 'not found' }, 404)
})
export default app
`

describe('routing and CRUD through the API', () => {
  it('runs a Hono app with params, JSON bodies, status codes and headers', async () => {
    const id = await server.createApp(notesApp)
    const created = await server.send(id, { method: 'POST', path: '/notes', body: { body: 'buy milk' } })
    expect(created.status).toBe(200)
    expect(created.body.status).toBe(201)
    expect(JSON.parse(created.body.body)).toEqual({ id: 1, body: 'buy milk' })
    expect(created.body.headers).toContainEqual(['location', '/notes/1'])

    const listed = await server.send(id, { path: '/notes' })
    expect(JSON.parse(listed.body.body)).toEqual([{ id: 1, body: 'buy milk' }])
    expect((await server.send(id, { path: '/notes/9' })).body.status).toBe(404)
    expect((await server.send(id, { method: 'POST', path: '/notes', body: { body: '' } })).body.status).toBe(400)
    expect((await server.send(id, { method: 'DELETE', path: '/notes/1' })).body.status).toBe(204)
    expect((await server.send(id, { path: '/nothing-here' })).body.status).toBe(404)
  })

  it('keeps each session’s database private', async () => {
    const first = await server.createApp(notesApp)
    const second = await server.createApp(notesApp)
    await server.send(first, { method: 'POST', path: '/notes', body: { body: 'mine' } })
    expect(JSON.parse((await server.send(second, { path: '/notes' })).body.body)).toEqual([])
  })

  it('shows the session database: tables, columns and paginated rows', async () => {
    const id = await server.createApp(notesApp)
    for (const body of ['a', 'b', 'c']) await server.send(id, { method: 'POST', path: '/notes', body: { body } })
    const tables = await server.api('GET', `/sessions/${id}/db`)
    expect(tables.body.tables).toEqual([
      expect.objectContaining({
        name: 'notes',
        rowCount: 3,
        columns: expect.arrayContaining([expect.objectContaining({ name: 'body', type: 'TEXT' })]),
      }),
    ])
    const page = await server.api('GET', `/sessions/${id}/db/notes?limit=2&offset=1`)
    expect(page.body.rows).toEqual([
      [2, 'b'],
      [3, 'c'],
    ])
    expect(page.body.total).toBe(3)
    expect((await server.api('GET', `/sessions/${id}/db/nope`)).status).toBe(404)
  })

  it('cuts long text and BLOBs in the database panel, saying how much is left out', async () => {
    const id = await server.createApp(`
      import { Hono } from 'hono'
      import { db } from 'sandbox'
      db.run('CREATE TABLE big (body TEXT, data BLOB)')
      const app = new Hono()
      app.post('/', (c) => { db.run('INSERT INTO big VALUES (?, ?)', ['x'.repeat(500_000), new Uint8Array(500_000)]); return c.text('ok') })
      export default app`)
    for (let i = 0; i < 12; i++) await server.send(id, { method: 'POST', path: '/' })
    const page = await server.api('GET', `/sessions/${id}/db/big?limit=12`)
    expect(page.status, JSON.stringify(page.body).slice(0, 300)).toBe(200)
    expect(page.body.rows).toHaveLength(12)
    const [text, blob] = page.body.rows[0]
    expect(text).toBe(`${'x'.repeat(2000)}… (498,000 more characters)`)
    expect(blob).toBe(`X'${'00'.repeat(256)}…' (500,000 bytes)`)
  })

  it('returns console output with each response', async () => {
    const id = await server.createApp(`
      import { Hono } from 'hono'
      const app = new Hono()
      app.get('/', (c) => { console.log('hello', { n: 1 }); console.error(new Error('boom')); return c.text('ok') })
      export default app`)
    const { body } = await server.send(id, { path: '/' })
    expect(body.logs.map((entry: { level: string; message: string }) => [entry.level, entry.message.split('\n')[0]])).toEqual([
      ['log', 'hello {"n":1}'],
      ['error', 'Error: boom'],
    ])
  })

  it('points stack traces at the learner’s own lines, without sandbox frames', async () => {
    const id = await server.createApp(`import { Hono } from 'hono'
const app = new Hono()

app.get('/', (c) => {
  const user: any = undefined
  return c.json(user.name)
})
export default app`)
    const { body } = await server.send(id, { path: '/' })
    expect(body.status).toBe(500)
    expect(body.logs[0].message).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'name'\)\n\s+at .*app\.ts:6:\d+\)?$/)

    const created = await server.api('POST', '/sessions', {})
    const broken = await server.api('PUT', `/sessions/${created.body.sessionId}/code`, { code: 'const a = 1\n\nnull.boom()\nexport default a' })
    expect(broken.body.error).toMatchObject({
      code: 'app_error',
      message: "TypeError: Cannot read properties of null (reading 'boom') (at app.ts:3:6)",
    })
  })

  it('words errors with the names the learner wrote, not the bundler’s', async () => {
    const id = await server.createApp(`import { Hono } from 'hono'
import { cache } from 'sandbox'
const app = new Hono()
app.get('/', (c) => c.json((cache as any).remove('x')))
export default app`)
    const { body } = await server.send(id, { path: '/' })
    expect(body.logs[0].message).toMatch(/^TypeError: cache\.remove is not a function\n/)
  })

  it('resets the database to its seed while keeping the code', async () => {
    const id = await server.createApp(notesApp)
    await server.send(id, { method: 'POST', path: '/notes', body: { body: 'x' } })
    expect((await server.api('POST', `/sessions/${id}/reset`)).status).toBe(200)
    expect((await server.api('GET', `/sessions/${id}/db`)).body.tables).toEqual([])
    expect(JSON.parse((await server.send(id, { path: '/notes' })).body.body)).toEqual([])
  })
  it('sends a response body that is not UTF-8 text as base64, and text as text', async () => {
    const id = await server.createApp(`
      import { Hono } from 'hono'
      const app = new Hono()
      app.get('/bytes', (c) => c.body(new Uint8Array([0xff, 0x00, 0x80]), 200, { 'content-type': 'application/octet-stream' }))
      app.get('/text', (c) => c.text('héllo'))
      export default app`)
    const bytes = await server.send(id, { path: '/bytes' })
    expect(bytes.body).toMatchObject({ status: 200, bodyEncoding: 'base64', body: '/wCA' })
    expect([...Buffer.from(bytes.body.body, 'base64')]).toEqual([0xff, 0x00, 0x80])
    expect((await server.send(id, { path: '/text' })).body).toMatchObject({ bodyEncoding: 'utf8', body: 'héllo' })
  })
})

describe('the session lifecycle', () => {
  it('ends a session with DELETE: its API, database and live URL answer 404 afterwards', async () => {
    const id = await server.createApp(notesApp)
    expect((await server.send(id, { path: '/notes' })).status).toBe(200)
    const deleted = await server.fetch(`/api/sessions/${id}`, { method: 'DELETE' })
    expect([deleted.status, await deleted.text()]).toEqual([204, ''])
    expect((await server.send(id, { path: '/notes' })).body.error.code).toBe('unknown_session')
    expect((await server.api('GET', `/sessions/${id}/db`)).status).toBe(404)
    expect((await server.fetch(`/s/${id}/notes`)).status).toBe(404)
    expect((await server.api('DELETE', `/sessions/${id}`)).body.error.code).toBe('unknown_session')
  })

  it('redirects /s/<session> to /s/<session>/ with 308, so the method and body survive', async () => {
    const id = await server.createApp(notesApp)
    const redirect = await server.fetch(`/s/${id}`, { method: 'POST', redirect: 'manual' })
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, `/s/${id}/`])
    expect((await server.fetch('/s/not-a-session')).status).toBe(404)
  })

  it('limits how many sessions one client creates a minute with 429 and Retry-After, and allows more a minute later', async () => {
    const limited = await createTestApp({ app: { sessionsPerMinute: 2 } })
    const create = () => limited.fetch('/api/sessions', { method: 'POST' })
    try {
      vi.useFakeTimers({ toFake: ['Date'] })
      expect([(await create()).status, (await create()).status]).toEqual([201, 201])
      const refused = await create()
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '60'])
      expect((await refused.json()).error).toEqual({
        code: 'too_many_sessions',
        message: 'You can create 2 sessions a minute; please wait a moment.',
      })
      expect((await limited.api('GET', '/health')).status).toBe(200)
      vi.setSystemTime(Date.now() + 60_000)
      expect((await create()).status).toBe(201)
    } finally {
      vi.useRealTimers()
      await limited.close()
    }
  })
})

describe('capabilities', () => {
  const capabilityApp = `
    import { Hono } from 'hono'
    import { db, crypto, cache, clock } from 'sandbox'
    db.run('CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT NOT NULL)')
    const app = new Hono()
    app.post('/register', async (c) => {
      const { name, password } = await c.req.json()
      db.run('INSERT INTO users VALUES (?, ?)', [name, crypto.hashPassword(password)])
      return c.body(null, 201)
    })
    app.post('/login', async (c) => {
      const { name, password } = await c.req.json()
      const user = db.get('SELECT hash FROM users WHERE name = ?', [name])
      if (!user || !crypto.verifyPassword(user.hash, password)) return c.json({ error: 'bad login' }, 401)
      const payload = name + '.' + (clock.now() + 60_000)
      return c.json({ token: payload + '.' + crypto.sign(payload) })
    })
    app.get('/me', (c) => {
      const [name, expires, signature] = (c.req.header('authorization') ?? '').replace('Bearer ', '').split('.')
      if (!signature || !crypto.verify(name + '.' + expires, signature)) return c.json({ error: 'bad token' }, 401)
      if (Number(expires) < Date.now()) return c.json({ error: 'expired' }, 401)
      return c.json({ name })
    })
    app.get('/secret', (c) => {
      const sealed = crypto.encrypt('the note')
      return c.json({ sealed, opened: crypto.decrypt(sealed), token: crypto.randomToken(16) })
    })
    app.get('/tampered', (c) => {
      try { crypto.decrypt(crypto.encrypt('x').slice(0, -2) + 'AA'); return c.text('no error') }
      catch (error) { return c.text(error.name + ': ' + error.message) }
    })
    app.get('/slow-square/:n', (c) => {
      const key = 'sq:' + c.req.param('n')
      const hit = cache.get(key)
      if (hit !== null) return c.json({ value: hit, cached: true })
      const value = Number(c.req.param('n')) ** 2
      cache.set(key, value, { ttlMs: 1000 })
      return c.json({ value, cached: false })
    })
    app.get('/stats', (c) => c.json(cache.stats()))
    export default app`

  it('refuses an async function as a db.transaction before running any of it', async () => {
    const id = await server.createApp(`import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE notes (body TEXT)')
const app = new Hono()
app.post('/', async (c) => {
  try {
    db.transaction(async () => { db.run("INSERT INTO notes VALUES ('before')"); await new Promise((resolve) => setTimeout(resolve, 20)); db.run("INSERT INTO notes VALUES ('after')") })
  } catch (error) { return c.text(error.message) }
  return c.text('ran')
})
app.get('/', async (c) => { await new Promise((resolve) => setTimeout(resolve, 100)); return c.json(db.all('SELECT body FROM notes')) })
export default app`)
    const refused = await server.send(id, { method: 'POST', path: '/' })
    expect(refused.body.body).toMatch(/^db.transaction needs a synchronous function/)
    expect(JSON.parse((await server.send(id, { path: '/' })).body.body)).toEqual([])
  })

  it('hashes passwords with argon2id and never stores them in plain text', async () => {
    const id = await server.createApp(capabilityApp)
    await server.send(id, { method: 'POST', path: '/register', body: { name: 'ada', password: 'hunter2' } })
    const rows = await server.api('GET', `/sessions/${id}/db/users`)
    expect(rows.body.rows[0][1]).toMatch(/^\$argon2id\$/)
    expect((await server.send(id, { method: 'POST', path: '/login', body: { name: 'ada', password: 'wrong' } })).body.status).toBe(401)
  })

  it('signs bearer tokens that expire when the session clock moves on', async () => {
    const id = await server.createApp(capabilityApp)
    await server.send(id, { method: 'POST', path: '/register', body: { name: 'ada', password: 'hunter2' } })
    const login = await server.send(id, { method: 'POST', path: '/login', body: { name: 'ada', password: 'hunter2' } })
    const { token } = JSON.parse(login.body.body)
    const me = await server.send(id, { path: '/me', headers: { authorization: `Bearer ${token}` } })
    expect(JSON.parse(me.body.body)).toEqual({ name: 'ada' })
    const forged = await server.send(id, { path: '/me', headers: { authorization: `Bearer ${token.replace('ada', 'eve')}` } })
    expect(forged.body.status).toBe(401)
    await server.api('POST', `/sessions/${id}/clock/advance`, { ms: 120_000 })
    const expired = await server.send(id, { path: '/me', headers: { authorization: `Bearer ${token}` } })
    expect(JSON.parse(expired.body.body)).toEqual({ error: 'expired' })
  })

  it('reads the session clock and puts it back to real time, keeping the database', async () => {
    const id = await server.createApp(capabilityApp)
    await server.send(id, { method: 'POST', path: '/register', body: { name: 'ada', password: 'hunter2' } })
    expect((await server.api('GET', `/sessions/${id}/clock`)).body.offsetMs).toBe(0)
    await server.api('POST', `/sessions/${id}/clock/advance`, { ms: 3_600_000 })
    const moved = await server.api('GET', `/sessions/${id}/clock`)
    expect(moved.body.offsetMs).toBe(3_600_000)
    expect(moved.body.now - Date.now()).toBeGreaterThan(3_500_000)
    expect(await server.api('POST', `/sessions/${id}/clock/reset`, { later: true })).toMatchObject({ status: 400 })
    const back = await server.api('POST', `/sessions/${id}/clock/reset`)
    expect(back).toMatchObject({ status: 200, body: { offsetMs: 0 } })
    expect((await server.api('GET', `/sessions/${id}/db/users`)).body.total).toBe(1)
  })

  it('encrypts and detects tampering', async () => {
    const id = await server.createApp(capabilityApp)
    const secret = JSON.parse((await server.send(id, { path: '/secret' })).body.body)
    expect(secret.opened).toBe('the note')
    expect(secret.sealed).not.toContain('the note')
    expect(secret.token).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect((await server.send(id, { path: '/tampered' })).body.body).toMatch(/^CryptoError: could not decrypt/)
  })

  it('caches with a TTL and counts hits and misses', async () => {
    const id = await server.createApp(capabilityApp)
    const first = JSON.parse((await server.send(id, { path: '/slow-square/12' })).body.body)
    const second = JSON.parse((await server.send(id, { path: '/slow-square/12' })).body.body)
    expect([first.cached, second.cached]).toEqual([false, true])
    await server.api('POST', `/sessions/${id}/clock/advance`, { ms: 1500 })
    expect(JSON.parse((await server.send(id, { path: '/slow-square/12' })).body.body).cached).toBe(false)
    expect(JSON.parse((await server.send(id, { path: '/stats' })).body.body)).toEqual({ hits: 1, misses: 2, size: 1 })
  })

  it('reports SQL errors to the learner in their own words', async () => {
    const id = await server.createApp(`
      import { Hono } from 'hono'
      import { db } from 'sandbox'
      const app = new Hono()
      app.get('/', (c) => { try { db.all('SELECT * FROM missing') } catch (e) { return c.text(e.name + ': ' + e.message) } return c.text('?') })
      export default app`)
    const { body } = await server.send(id, { path: '/' })
    expect(body.body).toMatch(/^SqlError: .*no such table: missing/)
    expect(body.body).not.toMatch(/\/work|node_modules|\.js:\d/)
  })
})

describe('live URLs', () => {
  const liveApp = `
    import { Hono } from 'hono'
    import { setCookie } from 'hono/cookie'
    const app = new Hono()
    app.post('/echo', async (c) => c.json({ got: await c.req.json(), q: c.req.query('q'), url: c.req.url }))
    app.get('/login', (c) => { setCookie(c, 'sid', 'abc', { path: '/' }); c.header('Clear-Site-Data', '"storage"'); return c.redirect('/home') })
    export default app`

  it('forwards requests to a learner app on its own origin', async () => {
    const id = await socket.createApp(liveApp)
    const response = await socket.raw('POST', '/echo?q=1', {
      headers: { host: `${id}.localhost:${socket.port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.text)).toEqual({ got: { a: 1 }, q: '1', url: `http://${id}.localhost:${socket.port}/echo?q=1` })
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    const unknown = await socket.raw('GET', '/', { headers: { host: `${'a'.repeat(32)}.localhost:${socket.port}` } })
    expect(unknown.status).toBe(404)
  })

  it('forwards /s/<session>/ paths and keeps the answer inside that path', async () => {
    const id = await socket.createApp(liveApp)
    const echo = await socket.fetch(`/s/${id}/echo?q=2`, { method: 'POST', body: '{"b":2}' })
    expect((await echo.json()).got).toEqual({ b: 2 })
    const login = await socket.fetch(`/s/${id}/login`, { redirect: 'manual' })
    expect(login.status).toBe(302)
    expect(login.headers.get('location')).toBe(`/s/${id}/home`)
    expect(login.headers.get('set-cookie')).toContain(`Path=/s/${id}/`)
    expect(login.headers.get('clear-site-data')).toBeNull()
    expect(login.headers.get('content-security-policy')).toBe('sandbox')
  })

  const bodylessApp = `
    import { Hono } from 'hono'
    const app = new Hono()
    app.get('/old', (c) => c.redirect('/new'))
    app.get('/nothing', (c) => c.body(null))
    app.get('/empty', (c) => c.body(''))
    app.get('/away', (c) => c.redirect(new URL('/done?x=1', c.req.url).href, 303))
    app.get('/elsewhere', (c) => c.redirect('https://hono.dev/docs'))
    app.get('/page', (c) => { c.header('Content-Security-Policy', "default-src 'self'"); return c.html('<p>hi</p>') })
    export default app`

  it('answers a redirect or c.body(null) with no body and no Content-Type, as @hono/node-server does', async () => {
    const id = await socket.createApp(bodylessApp)
    for (const path of ['/old', '/nothing']) {
      for (const [target, host] of [
        [path, `${id}.localhost:${socket.port}`],
        [`/s/${id}${path}`, `127.0.0.1:${socket.port}`],
      ] as const) {
        const response = await socket.raw('GET', target, { headers: { host } })
        expect(response.headers['content-type'], target).toBeUndefined()
        expect(response.text).toBe('')
      }
    }
    // An empty string is a body, which @hono/node-server types.
    const empty = await socket.raw('GET', '/empty', { headers: { host: `${id}.localhost:${socket.port}` } })
    expect(empty.headers['content-type']).toBe('text/plain; charset=UTF-8')
  })

  it('moves an absolute redirect to the site’s own origin back under /s/<session>/, and leaves other origins alone', async () => {
    const id = await socket.createApp(bodylessApp)
    const away = await socket.fetch(`/s/${id}/away`, { redirect: 'manual' })
    expect(away.headers.get('location')).toBe(`${socket.url}/s/${id}/done?x=1`)
    const elsewhere = await socket.fetch(`/s/${id}/elsewhere`, { redirect: 'manual' })
    expect(elsewhere.headers.get('location')).toBe('https://hono.dev/docs')
    const own = await socket.raw('GET', '/away', { headers: { host: `${id}.localhost:${socket.port}` } })
    expect(own.headers.location).toBe(`http://${id}.localhost:${socket.port}/done?x=1`)
  })

  it('keeps the app’s own Content-Security-Policy on /s/ and adds the sandbox policy beside it', async () => {
    const id = await socket.createApp(bodylessApp)
    const page = await socket.fetch(`/s/${id}/page`)
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self', sandbox")
    const own = await socket.raw('GET', '/page', { headers: { host: `${id}.localhost:${socket.port}` } })
    expect(own.headers['content-security-policy']).toBe("default-src 'self'")
  })
})

describe('methods through the API', () => {
  const methodsApp = `
    import { Hono } from 'hono'
    const app = new Hono()
    app.on('PURGE', '/cache', (c) => c.text('purged'))
    app.on(['M-SEARCH'], '/', (c) => c.text(c.req.method))
    export default app`

  it('sends any method token, as the live URL does: PURGE reaches app.on("PURGE")', async () => {
    const id = await server.createApp(methodsApp)
    expect(await server.send(id, { method: 'PURGE', path: '/cache' })).toMatchObject({ status: 200, body: { body: 'purged' } })
    expect(await server.send(id, { method: 'M-SEARCH', path: '/' })).toMatchObject({ status: 200, body: { body: 'M-SEARCH' } })
    const live = await socket.raw('PURGE', '/cache', { headers: { host: `${await socket.createApp(methodsApp)}.localhost:${socket.port}` } })
    expect([live.status, live.text]).toEqual([200, 'purged'])
  })

  it('refuses CONNECT, TRACE and malformed methods, saying why', async () => {
    const id = await server.createApp(methodsApp)
    const connect = await server.send(id, { method: 'CONNECT', path: '/' })
    expect(connect.status).toBe(400)
    expect(connect.body.error.problems).toEqual([{ field: 'method', message: expect.stringContaining('the Fetch standard forbids it in a Request') }])
    expect((await server.send(id, { method: 'trace', path: '/' })).status).toBe(400)
    const malformed = await server.send(id, { method: 'GE T', path: '/' })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.problems[0]).toMatchObject({ field: 'method', message: expect.stringContaining('an HTTP method such as GET') })
  })
})

describe('bad input gets a clear 4xx', () => {
  it('rejects an invalid body with the field that is wrong', async () => {
    const id = await server.createApp(notesApp)
    const response = await server.api('POST', `/sessions/${id}/requests`, { method: 'GE T', path: 'notes' })
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('invalid_body')
    expect(response.body.error.problems.map((p: { field: string }) => p.field)).toEqual(['method', 'path'])
  })

  it('rejects malformed JSON', async () => {
    const response = await server.api('POST', '/sessions', '{"code": ')
    expect(response).toEqual({ status: 400, body: { error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } } })
  })

  it('rejects huge bodies with 413', async () => {
    const response = await socket.raw('POST', '/api/sessions', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(300 * 1024) }),
    })
    expect(response.status).toBe(413)
    expect(JSON.parse(response.text).error.code).toBe('body_too_large')
  })

  it('limits chunked bodies too, and reads small ones whichever way they come', async () => {
    const chunked = { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
    const huge = await socket.raw('POST', '/api/sessions', { headers: chunked, body: JSON.stringify({ code: 'x'.repeat(300 * 1024) }) })
    expect([huge.status, JSON.parse(huge.text).error.code]).toEqual([413, 'body_too_large'])
    const declared = (body: string) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
    const body = JSON.stringify({ exerciseId: 'first-route' })
    for (const headers of [chunked, declared(body)]) {
      const created = await socket.raw('POST', '/api/sessions', { headers, body })
      expect([created.status, JSON.parse(created.text).exerciseId]).toEqual([201, 'first-route'])
    }
    const lying = await socket.raw('POST', '/api/sessions', { headers: { ...declared(body), 'content-length': String(300 * 1024) }, body })
    expect(lying.status).toBe(413)
  })

  it('answers unknown sessions and exercises with 404', async () => {
    expect((await server.api('GET', `/sessions/${'0'.repeat(32)}/db`)).body.error.code).toBe('unknown_session')
    expect((await server.api('GET', '/sessions/not-an-id/db')).status).toBe(404)
    expect((await server.fetch(`/s/${'f'.repeat(32)}/x`)).status).toBe(404)
    expect((await server.api('POST', '/sessions', { exerciseId: 'no-such-exercise' })).body.error.code).toBe('unknown_exercise')
  })

  it('returns compile errors with line and column', async () => {
    const created = await server.api('POST', '/sessions', {})
    const response = await server.api('PUT', `/sessions/${created.body.sessionId}/code`, {
      code: "import { Hono } from 'hono'\nconst app = new Hono(\nexport default app",
    })
    expect(response.status).toBe(422)
    expect(response.body.error.code).toBe('compile_error')
    expect(response.body.error.diagnostics[0]).toMatchObject({ line: 3, column: 1 })
  })

  it('says what to do when the module does not export an app', async () => {
    const created = await server.api('POST', '/sessions', {})
    const response = await server.api('PUT', `/sessions/${created.body.sessionId}/code`, { code: 'export const x = 1' })
    expect(response.status).toBe(422)
    expect(response.body.error.message).toContain('export default app')
  })

  it('asks for code before requests', async () => {
    const created = await server.api('POST', '/sessions', {})
    const response = await server.send(created.body.sessionId, { path: '/' })
    expect(response.status).toBe(409)
    expect(response.body.error.code).toBe('no_code')
  })
})

describe('grading through the API', () => {
  it('grades the session’s code in a fresh session, with messages, hints and curl lines', async () => {
    const created = await server.api('POST', '/sessions', { exerciseId: 'crud-notes' })
    expect(created.status).toBe(201)
    const id = created.body.sessionId
    await server.api('PUT', `/sessions/${id}/code`, { code: created.body.starter })
    // Exploring changes the learner's database, but not the grade.
    await server.send(id, { method: 'DELETE', path: '/notes/1' })

    const starter = await server.api('POST', `/sessions/${id}/grade`)
    expect(starter.body).toMatchObject({ version: 3, exerciseId: 'crud-notes', status: 'fail', gradable: true })
    const [listing, readOne] = starter.body.tests
    expect(listing).toMatchObject({ name: 'GET /notes lists the notes', status: 'pass' })
    expect(readOne).toMatchObject({
      status: 'fail',
      message: 'GET /notes/2 returned 501; expected 200 because note 2 exists; the body should be that note',
    })
    expect(readOne.hint).toContain('db.get')
    expect(readOne.reproduction).toBe(`curl -i 'http://${id}.localhost/notes/2'`)
  })

  it('grades only the code the client says it sent: another codeHash is refused with 409 code_changed', async () => {
    const created = await server.api('POST', '/sessions', { exerciseId: 'crud-notes' })
    const id = created.body.sessionId
    const mine = await server.api('PUT', `/sessions/${id}/code`, { code: created.body.starter })
    // Another tab loads its own code into the same session.
    await server.api('PUT', `/sessions/${id}/code`, { code: `${created.body.starter}\n// the other tab\n` })
    const refused = await server.api('POST', `/sessions/${id}/grade`, { codeHash: mine.body.codeHash })
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'code_changed' } } })
    const again = await server.api('PUT', `/sessions/${id}/code`, { code: created.body.starter })
    expect((await server.api('POST', `/sessions/${id}/grade`, { codeHash: again.body.codeHash })).body.status).toBe('fail')
  })

  it('passes a correct solution and refuses to grade a playground', async () => {
    const { readFile } = await import('node:fs/promises')
    const code = await readFile(new URL('../exercises/crud-notes/solution.ts', import.meta.url), 'utf8')
    const created = await server.api('POST', '/sessions', { exerciseId: 'crud-notes', code })
    const graded = await server.api('POST', `/sessions/${created.body.sessionId}/grade`)
    expect(graded.body).toMatchObject({ status: 'pass', score: 7, maxScore: 7 })
    const playground = await server.api('POST', '/sessions', { code })
    expect((await server.api('POST', `/sessions/${playground.body.sessionId}/grade`)).body.error.code).toBe('no_exercise')
  })

  it('type-checks the code when asked, at its own lines, without changing the grade', async () => {
    const { readFile } = await import('node:fs/promises')
    const solution = await readFile(new URL('../exercises/crud-notes/solution.ts', import.meta.url), 'utf8')
    const code = `const answer: number = 'forty-two'\n${solution}`
    const created = await server.api('POST', '/sessions', { exerciseId: 'crud-notes', code })
    const graded = await server.api('POST', `/sessions/${created.body.sessionId}/grade`, { typecheck: true })
    expect(graded.body).toMatchObject({ status: 'pass', score: 7 })
    expect(graded.body.typeErrors).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/not assignable to type 'number'.*TS2322/) }),
    ])
    // Without the field there is no type check, and a wrong field is the caller's 400.
    expect((await server.api('POST', `/sessions/${created.body.sessionId}/grade`)).body.typeErrors).toBeUndefined()
    expect((await server.api('POST', `/sessions/${created.body.sessionId}/grade`, { typecheck: 'yes' })).status).toBe(400)
  })
})
