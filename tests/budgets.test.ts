/**
 * Every resource a learner's app can hold or spend has a budget, counted as it is really held:
 * memory the isolate's limit cannot see, cache bytes, log fields, response headers, SQL text,
 * password hashing, Web Crypto work on the host's thread pool, and work between requests.
 * Each test asserts the offender gets a specific message and a bystander is served throughout.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

let server: TestServer
let bystander: string
beforeAll(async () => {
  server = await startTestServer({ app: { gradesPerMinute: 3 } })
  bystander = await server.createApp(app(`app.get('/', (c) => c.json({ hash: crypto.verifyPassword(crypto.hashPassword('pw'), 'pw') }))`))
})
afterAll(() => server.close())

function app(routes: string) {
  return `import { Hono } from 'hono'\nimport { db, cache, crypto, log } from 'sandbox'\nconst app = new Hono()\n${routes}\nexport default app\n`
}

/** Runs a route body in a fresh app and returns what the API answered. */
async function run(handlerBody: string) {
  const id = await server.createApp(app(`app.get('/', async (c) => { ${handlerBody} })`))
  return { id, ...(await server.send(id, { path: '/' })) }
}

async function expectBystanderServed() {
  const response = await server.send(bystander, { path: '/' })
  expect(response.status).toBe(200)
  expect(JSON.parse(response.body.body)).toEqual({ hash: true })
}

describe('memory the isolate limit cannot see', () => {
  it('refuses resizable ArrayBuffers, however they are reached', async () => {
    const { body } = await run(`
      const attempts = []
      for (const make of [
        () => new ArrayBuffer(8, { maxByteLength: 512 * 1024 * 1024 }),
        () => new (new Uint8Array(1).buffer.constructor)(8, { maxByteLength: 512 * 1024 * 1024 }),
        () => { class Big extends ArrayBuffer {}; return new Big(8, { maxByteLength: 512 * 1024 * 1024 }) },
        () => new ArrayBuffer(8).resize(1024),
      ]) {
        try { make(); attempts.push('allowed') } catch (error) { attempts.push(error.message) }
      }
      return c.json({ attempts, shared: typeof SharedArrayBuffer, plain: new ArrayBuffer(16).byteLength, view: new Uint8Array(4) instanceof Uint8Array, isBuffer: new Uint8Array(4).buffer instanceof ArrayBuffer })`)
    const result = JSON.parse(body.body)
    expect(result.attempts).toHaveLength(4)
    for (const attempt of result.attempts) expect(attempt).toMatch(/Resizable ArrayBuffers are not available in the sandbox/)
    expect(result).toMatchObject({ shared: 'undefined', plain: 16, view: true, isBuffer: true })
    await expectBystanderServed()
  })
})

describe('the cache counts the bytes of what it stores', () => {
  it('refuses an ArrayBuffer past the cache size, which JSON would count as 2 bytes, and a Map', async () => {
    const { body } = await run(`
      const errors = []
      for (const value of [new ArrayBuffer(1536 * 1024), new Map([[1, 'one']])]) {
        try { cache.set('big', value) } catch (error) { errors.push(error.name + ': ' + error.message) }
      }
      cache.set('small', { bytes: new Uint8Array([1, 2, 3]), n: 10n })
      const small = cache.get('small')
      return c.json({ errors, small: [small.bytes instanceof Uint8Array, [...small.bytes], typeof small.n], stats: cache.stats() })`)
    const result = JSON.parse(body.body)
    expect(result.errors).toEqual([
      expect.stringMatching(/^CacheValueTooLarge: cache.set: the value is \d{7} bytes; the cache holds at most 1048576$/),
      'TypeError: the data passed to cache.set holds a Map: pass plain data (objects, arrays, strings, numbers), e.g. Object.fromEntries(map)',
    ])
    expect(result.small).toEqual([true, [1, 2, 3], 'bigint'])
    expect(result.stats.size).toBe(1)
  })
})

describe('log lines are bounded, fields included', () => {
  it('replaces 10 MB of fields with a note, before they cross to the host', async () => {
    const { body } = await run(`log.info('big', { blob: 'x'.repeat(10 * 1024 * 1024) }); return c.text('logged')`)
    expect(body.body).toBe('logged')
    const line = body.logs.find((entry: { message: string }) => entry.message === 'big')
    expect(line.fields).toEqual({ unlogged: 'the data passed to log.write is larger than 2048 KB: pass less data' })
    expect(JSON.stringify(body).length).toBeLessThan(64 * 1024)
  })
})

describe('response headers are bounded', () => {
  it('refuses a response with a thousand headers', async () => {
    const { status, body } = await run(`for (let i = 0; i < 1000; i++) c.header('x-h' + i, 'v'); return c.text('ok')`)
    expect(status).toBe(422)
    expect(body.error).toMatchObject({ code: 'limit_exceeded', limit: 'output' })
    // The thousand, and the content-type c.text sets.
    expect(body.error.message).toBe('Your app set 1001 response headers; at most 100 are allowed.')
  })

  it('refuses headers larger than 64 KB in all', async () => {
    const { status, body } = await run(`for (let i = 0; i < 50; i++) c.header('x-h' + i, 'v'.repeat(60000)); return c.text('ok')`)
    expect(status).toBe(422)
    expect(body.error.limit).toBe('output')
    expect(body.error.message).toMatch(/response headers are larger than 64 KB/)
    await expectBystanderServed()
  })
})

describe('SQL text is bounded', () => {
  it('refuses a 100 KB statement before SQLite sees it', async () => {
    const { body } =
      await run(`try { db.get("SELECT '" + 'x'.repeat(100 * 1024) + "' AS big") } catch (error) { return c.json({ name: error.name, message: error.message }) }
      return c.text('ran')`)
    const error = JSON.parse(body.body)
    expect(error.name).toBe('SqlError')
    expect(error.message).toMatch(/the statement is \d+ characters long; the sandbox takes at most 16384: pass values as \? parameters/)
  })
})

describe('password hashing has one cost, fixed by the host', () => {
  it('hashes and verifies at the course cost', async () => {
    const { body } = await run(
      `const hash = crypto.hashPassword('hunter22'); return c.json({ hash, good: crypto.verifyPassword(hash, 'hunter22'), bad: crypto.verifyPassword(hash, 'hunter23') })`,
    )
    const result = JSON.parse(body.body)
    expect(result.hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/)
    expect(result).toMatchObject({ good: true, bad: false })
  })

  it.each([
    ['t=1000', 'm=1024,t=1000,p=1'],
    ['m=131072 (128 MiB)', 'm=131072,t=2,p=1'],
    ['four lanes', 'm=1024,t=2,p=4'],
  ])('refuses a hash string that asks for %s', async (_name, cost) => {
    const { body } = await run(`const real = crypto.hashPassword('pw')
      const forged = real.replace('m=1024,t=2,p=1', '${cost}')
      try { return c.json({ verified: crypto.verifyPassword(forged, 'pw') }) } catch (error) { return c.json({ name: error.name, message: error.message }) }`)
    const result = JSON.parse(body.body)
    expect(result.name).toBe('LimitError')
    expect(result.message).toContain(`this hash asks for ${cost}; the sandbox verifies hashes up to m=1024,t=2,p=1`)
    await expectBystanderServed()
  })

  it('answers false for a string that is not a hash', async () => {
    const { body } = await run(`return c.json({ verified: crypto.verifyPassword('not a hash', 'pw') })`)
    expect(JSON.parse(body.body)).toEqual({ verified: false })
  })
})

describe('Web Crypto work on the host is bounded', () => {
  it('refuses PBKDF2 past 100,000 iterations', async () => {
    const { body } =
      await run(`const base = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits'])
      try { await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(8), iterations: 1000000, hash: 'SHA-256' }, base, 256) }
      catch (error) { return c.json({ name: error.name, message: error.message }) }
      return c.text('derived')`)
    expect(JSON.parse(body.body)).toEqual({
      name: 'OperationError',
      message: 'PBKDF2 with more than 100000 iterations is not allowed in the sandbox.',
    })
  })

  it('keeps the server answering while a learner floods the thread pool', async () => {
    const flooder = await server.createApp(
      app(`app.get('/', async (c) => {
        const base = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits'])
        for (let i = 0; i < 200; i++) globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(8), iterations: 100000, hash: 'SHA-256' }, base, 256).catch(() => {})
        return c.text('flooding')
      })
      app.get('/digest', async (c) => c.json([...new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode('x')))].slice(0, 2)))`),
    )
    expect((await server.send(flooder, { path: '/' })).body.body).toBe('flooding')
    // Others' Web Crypto and the server itself are served while the flood drains.
    const other = await server.createApp(
      app(
        `app.get('/', async (c) => c.json([...new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode('x')))].slice(0, 2)))`,
      ),
    )
    expect(JSON.parse((await server.send(other, { path: '/' })).body.body)).toEqual([0x2d, 0x71])
    expect((await server.fetch('/api/health')).status).toBe(200)
    await expectBystanderServed()
  })
})

describe('work between requests has a budget', () => {
  it('stops an app whose timer runs slow queries, and says so', async () => {
    const id = await server.createApp(
      app(`app.get('/start', (c) => {
        setInterval(() => db.get('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) SELECT count(*) AS c FROM n'), 1)
        return c.text('started')
      })
      app.get('/', (c) => c.text('ok'))`),
    )
    expect((await server.send(id, { path: '/start' })).body.body).toBe('started')
    await expectBystanderServed()
    await vi.waitFor(() => expect(server.sessions.appState(id)).toBe('stopped'), { timeout: 120_000, interval: 100 })
    const next = await server.send(id, { path: '/' })
    expect(next.body.body).toBe('ok')
    expect(next.body.logs[0].message).toMatch(/^Your app was restarted: Code running between requests/)
  })
})

describe('grading is limited per client', () => {
  it('answers 429 with Retry-After past the minute allowance', async () => {
    const created = await server.api('POST', '/sessions', { exerciseId: 'first-route' })
    const id = created.body.sessionId
    expect((await server.api('PUT', `/sessions/${id}/code`, { code: created.body.starter })).status).toBe(200)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await server.api('POST', `/sessions/${id}/grade`)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await server.fetch(`/api/sessions/${id}/grade`, { method: 'POST' })
    expect(refused.headers.get('retry-after')).toBe('60')
    expect((await refused.json()).error.code).toBe('too_many_grades')
  })
})

describe('the resizable ArrayBuffer refusal cannot be walked around', () => {
  it('reads the options once, and does not trust a replaced Reflect.construct', async () => {
    const { body } = await run(`let reads = 0
      const sneaky = new ArrayBuffer(8, { get maxByteLength() { return reads++ === 0 ? undefined : 2 ** 31 } })
      Reflect.construct = (target, args, newTarget) => ({ stolen: true })
      let refused = ''
      try { new ArrayBuffer(8, { maxByteLength: 2 ** 31 }) } catch (error) { refused = error.message }
      return c.json({ resizable: sneaky.resizable, length: sneaky.byteLength, refused, plain: new ArrayBuffer(4).byteLength })`)
    expect(JSON.parse(body.body)).toEqual({
      resizable: false,
      length: 8,
      refused: expect.stringMatching(/^Resizable ArrayBuffers are not available in the sandbox/),
      plain: 4,
    })
  })
})
