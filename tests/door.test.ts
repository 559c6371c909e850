/**
 * The door between learner code and the host is sealed: nothing learner code can reach changes
 * how a host call behaves or how its reply is read. Learner code may pollute every prototype
 * in its isolate; its capability calls still work, other sessions never notice, and no answer
 * carries a host stack or path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

/** Every key the prelude, the door and isolated-vm's options read, and a few more. */
const DOOR_KEYS = [
  'err',
  'ok',
  'then',
  'timeout',
  'copy',
  'result',
  'promise',
  'release',
  'reference',
  'arguments',
  'externalCopy',
  'transferIn',
  'inheritTimeout',
]

/** Learner code that plants every door key on the three prototypes it can reach. */
const POLLUTE = `
for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
  for (const key of ${JSON.stringify(DOOR_KEYS)}) {
    try {
      Object.defineProperty(proto, key, {
        value: key === 'then' ? function () {} : key === 'timeout' ? 5 : { message: 'planted', name: 'Planted' },
        writable: true, configurable: true, enumerable: false,
      })
    } catch {}
  }
}
`

const CAPABILITIES_APP = `import { Hono } from 'hono'
import { db, cache, crypto, log } from 'sandbox'
${POLLUTE}
db.run('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)')
const app = new Hono()
// Synchronous on purpose: an await of any object would call the planted then, in this isolate only.
app.get('/', (c) => {
  db.run('INSERT INTO notes (body) VALUES (?)', ['hello'])
  cache.set('k', { n: 1 })
  const hash = crypto.hashPassword('correct horse')
  const sealed = crypto.encrypt('secret')
  log.info('polluted and still working', { rows: 1 })
  return c.json({
    row: db.get('SELECT body FROM notes ORDER BY id DESC LIMIT 1'),
    count: db.all('SELECT id FROM notes').length,
    cached: cache.get('k'),
    missing: cache.get('nope'),
    verified: crypto.verifyPassword(hash, 'correct horse'),
    wrong: crypto.verifyPassword(hash, 'wrong'),
    opened: crypto.decrypt(sealed),
    signed: crypto.verify('m', crypto.sign('m')),
  })
})
app.get('/sql-error', (c) => {
  try { db.get('SELECT * FROM nowhere') } catch (error) { return c.json({ name: error.name, message: error.message, stack: String(error.stack) }) }
  return c.text('no error')
})
export default app
`

describe('a learner who pollutes Object, Array and Function prototypes', () => {
  it('still gets working capabilities, and the host is untouched', async () => {
    const id = await server.createApp(CAPABILITIES_APP)
    for (let round = 0; round < 3; round++) {
      const response = await server.send(id, { path: '/' })
      expect(response.body.error?.message).toBeUndefined()
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body.body)).toEqual({
        row: { body: 'hello' },
        count: round + 1,
        cached: { n: 1 },
        missing: null,
        verified: true,
        wrong: false,
        opened: 'secret',
        signed: true,
      })
      expect(response.body.logs).toContainEqual(expect.objectContaining({ message: 'polluted and still working', fields: { rows: 1 } }))
    }
  })

  it('sees host errors by their own name and message, with no host stack', async () => {
    const id = await server.createApp(CAPABILITIES_APP)
    const response = await server.send(id, { path: '/sql-error' })
    const error = JSON.parse(response.body.body)
    expect(error.name).toBe('SqlError')
    expect(error.message).toMatch(/no such table: nowhere/)
    expect(error.stack).not.toMatch(/file:|\/sandbox-server\/|node_modules|node:internal/)
  })

  it('leaves every other session and new sessions working', async () => {
    const bystander = await server.createApp(`import { Hono } from 'hono'
import { crypto } from 'sandbox'
const app = new Hono()
app.get('/', async (c) => {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode('x')))
  return c.json({ ok: crypto.verifyPassword(crypto.hashPassword('pw'), 'pw'), first: digest[0], own: typeof Object.prototype.err })
})
export default app
`)
    const polluter = await server.createApp(CAPABILITIES_APP)
    for (let round = 0; round < 3; round++) {
      expect((await server.send(polluter, { path: '/' })).status).toBe(200)
      const response = await server.send(bystander, { path: '/' })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body.body)).toEqual({ ok: true, first: 0x2d, own: 'undefined' })
    }
    expect((await server.api('POST', '/sessions', {})).status).toBe(201)
    expect((await server.fetch('/api/health')).status).toBe(200)
  })
})

describe('a learner value crosses to the host as one measured text', () => {
  let bystander: string
  beforeAll(async () => {
    bystander = await server.createApp(
      `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('still here'))\nexport default app\n`,
    )
  })

  async function attempt(body: string) {
    const id = await server.createApp(`import { Hono } from 'hono'
import { cache, crypto, log } from 'sandbox'
const app = new Hono()
app.get('/', async (c) => { ${body} })
export default app
`)
    const response = await server.send(id, { path: '/' })
    expect((await server.send(bystander, { path: '/' })).body.body).toBe('still here')
    return response
  }

  it('refuses one large string repeated many times instead of copying every repeat', async () => {
    const { body } = await attempt(`const big = 'x'.repeat(1024 * 1024)
      try { cache.set('k', new Array(450).fill(big)) } catch (error) { return c.json({ name: error.name, message: error.message }) }
      return c.text('stored')`)
    expect(JSON.parse(body.body)).toEqual({ name: 'RangeError', message: 'the data passed to cache.set is larger than 2048 KB: pass less data' })
  })

  it('refuses a value that nests one array twice per level, in capability calls and log fields', async () => {
    const { body } = await attempt(`let o = 'x'; for (let i = 0; i < 40; i++) o = [o, o]
      const errors = []
      try { crypto.randomToken(o) } catch (error) { errors.push(error.message) }
      try { cache.set('k', 1, { ttlMs: o }) } catch (error) { errors.push(error.message) }
      log.info('nested', { o })
      return c.json(errors)`)
    expect(JSON.parse(body.body)).toEqual([
      'the data passed to crypto.randomToken holds more than 100000 values: pass less data',
      'the data passed to cache.set holds more than 100000 values: pass less data',
    ])
    expect(body.logs).toContainEqual(
      expect.objectContaining({
        message: 'nested',
        fields: { unlogged: 'the data passed to log.write holds more than 100000 values: pass less data' },
      }),
    )
  })

  it('charges a Web Crypto call on such a value to the learner’s own budget, never the host’s', async () => {
    const { id } = {
      id: await server.createApp(`import { Hono } from 'hono'
const app = new Hono()
app.get('/', async (c) => {
  let o = 'x'; for (let i = 0; i < 40; i++) o = [o, o]
  await globalThis.crypto.subtle.digest({ name: 'SHA-256', extra: o }, new Uint8Array(1))
  return c.text('digested')
})
export default app
`),
    }
    const response = await server.send(id, { path: '/' })
    // Copying the value inside the isolate spends the learner's own budget: CPU, or on Node 24
    // memory first. Either way the isolate pays, not the host.
    expect(response.status).toBe(422)
    expect(['cpu', 'memory']).toContain(response.body.error.limit)
    expect((await server.send(bystander, { path: '/' })).body.body).toBe('still here')
  })

  it('refuses response headers a patched iterator repeats, as the output limit', async () => {
    const { status, body } = await attempt(`const big = 'x'.repeat(1024 * 1024)
      Object.getPrototypeOf(new Headers())[Symbol.iterator] = function* () { for (let i = 0; i < 50; i++) yield ['x-a', big] }
      return c.text('ok')`)
    expect(status).toBe(422)
    expect(body.error).toMatchObject({ limit: 'output', message: expect.stringMatching(/response headers are larger than 64 KB/) })
  })
})

describe('a response that lies about itself', () => {
  it('is read through the platform’s own accessors, so a getter cannot hand the host a graph', async () => {
    const id = await server.createApp(`import { Hono } from 'hono'
const app = new Hono()
const big = 'x'.repeat(1024 * 1024)
class Lying extends Response { get statusText() { return new Array(300).fill(big) } get status() { return 999 } }
app.get('/', () => new Lying('hi', { status: 201, statusText: 'Created' }))
export default app
`)
    const response = await server.send(id, { path: '/' })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ status: 201, statusText: 'Created', body: 'hi' })
  })
})
