/**
 * Small Hono apps written the way the Hono docs write them, and the requests the conformance
 * suite sends to each. The same module runs twice: on the host with Node's web platform, and
 * compiled as a learner module into a Sandbox, where requests take the production path through
 * the prelude (platform.test.ts); the suite compares the answers.
 *
 * Nothing here may depend on where it runs: no Node modules, only Hono and web globals (and so
 * it compiles as learner code).
 */
import { Hono } from 'hono'
import { accepts } from 'hono/accepts'
import { basicAuth } from 'hono/basic-auth'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { etag } from 'hono/etag'
import { html } from 'hono/html'
import { HTTPException } from 'hono/http-exception'
import { jwt, sign, verify } from 'hono/jwt'
import { methodOverride } from 'hono/method-override'
import { poweredBy } from 'hono/powered-by'
import { prettyJSON } from 'hono/pretty-json'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { streamSSE, streamText } from 'hono/streaming'
import { timeout } from 'hono/timeout'
import { timing } from 'hono/timing'
import { appendTrailingSlash } from 'hono/trailing-slash'
import { validator } from 'hono/validator'

/** A test-only P-256 key pair (never used for anything else). */
const EC_PRIVATE_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGBZZTLKocOWjIaUI
HRD4zO2JHYYiFfy3EOWwboT6rH6hRANCAAR1t6iAEhA+ykpnkPJ61MqKxF+khcN5
GcHSPLY/9t0YvQiP5BNZx/hWgpiSVFlKNycY1e+md9oDGVjnyICajDlN
-----END PRIVATE KEY-----`
const EC_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdbeogBIQPspKZ5DyetTKisRfpIXD
eRnB0jy2P/bdGL0Ij+QTWcf4VoKYklRZSjcnGNXvpnfaAxlY58iAmow5TQ==
-----END PUBLIC KEY-----`

export const JWT_SECRET = 'it-is-very-secret'
export const COOKIE_SECRET = 'cookie-secret'

function basicsApp() {
  const app = new Hono()
  app.get('/', (c) => c.text('Hello Hono!'))
  app.get('/json', (c) => c.json({ message: 'Hello', ok: true, count: 3, nested: { list: [1, 'two'] } }))
  app.get('/html', (c) => c.html('<h1>Hello, ünïcödé 😀</h1>'))
  app.get('/body', (c) => c.body('raw body', 201, { 'X-Custom': 'yes' }))
  app.get('/binary', (c) => c.body(new Uint8Array([0, 1, 2, 253, 254, 255])))
  app.get('/stream', (c) => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder()
        controller.enqueue(encoder.encode('chunk one, '))
        controller.enqueue(encoder.encode('chunk two'))
        controller.close()
      },
    })
    return c.body(stream, 200, { 'Content-Type': 'text/plain' })
  })
  app.get('/redirect', (c) => c.redirect('/'))
  app.get('/redirect-permanent', (c) => c.redirect('https://example.com/elsewhere', 301))
  app.get('/posts/:id', (c) => c.json({ id: c.req.param('id'), page: c.req.query('page') ?? null, tags: c.req.queries('tag') ?? [] }))
  app.post('/posts', async (c) => c.json({ received: await c.req.json() }, 201))
  app.put('/echo', async (c) => c.text(await c.req.text(), 200, { 'Content-Type': c.req.header('Content-Type') ?? 'none' }))
  app.get('/headers', (c) => {
    c.header('X-Message', 'Hello')
    c.header('X-Multi', 'one')
    c.header('X-Multi', 'two', { append: true })
    c.status(202)
    return c.text(`agent=${c.req.header('User-Agent') ?? 'none'}`)
  })
  app.get('/response', () => new Response('made by hand', { status: 418, statusText: "I'm a teapot", headers: { 'x-by': 'hand' } }))
  app.get('/response-json', () => Response.json({ made: 'by Response.json' }, { status: 200 }))
  app.get('/http-exception', () => {
    throw new HTTPException(401, { message: 'Custom unauthorized' })
  })
  app.get('/error', () => {
    throw new Error('Something broke')
  })
  app.get('/gone', (c) => c.notFound())
  app.get('/sleep', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    return c.text('slept')
  })
  app.notFound((c) => c.json({ message: 'Not here', path: c.req.path }, 404))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    return c.json({ error: error.message }, 500)
  })
  return app
}

function defaultsApp() {
  // No notFound or onError: Hono's own defaults answer.
  const app = new Hono()
  app.get('/error', () => {
    throw new Error('unhandled')
  })
  app.get('/head', (c) => c.text('for HEAD', 200, { 'X-Head': 'kept' }))
  return app
}

function middlewareApp() {
  const app = new Hono()
  app.use(
    '/api/*',
    cors({
      origin: 'http://example.com',
      allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'],
      allowMethods: ['POST', 'GET', 'OPTIONS'],
      exposeHeaders: ['Content-Length', 'X-Kuma-Revision'],
      maxAge: 600,
      credentials: true,
    }),
  )
  app.get('/api/abc', (c) => c.json({ success: true }))

  app.use('/etag/*', etag())
  app.get('/etag/abc', (c) => c.text('Hono is hot'))
  app.get('/etag/json', (c) => c.json({ big: 'x'.repeat(5000) }))

  app.use('/secure/*', secureHeaders())
  app.get('/secure/page', (c) => c.text('secure'))

  app.use('/rid/*', requestId())
  app.get('/rid/show', (c) => c.text(`Your request id is ${c.get('requestId')}`))

  app.use('/auth/*', basicAuth({ username: 'hono', password: 'acoolproject' }))
  app.get('/auth/page', (c) => c.text('You are authorized'))

  app.use('/bearer/*', bearerAuth({ token: 'honoiscool' }))
  app.get('/bearer/page', (c) => c.json({ message: 'You are authorized' }))

  app.use('/slow/*', timeout(50))
  app.get('/slow/fast', (c) => c.text('in time'))
  app.get('/slow/late', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 400))
    return c.text('too late')
  })
  return app
}

function authApp() {
  const app = new Hono()
  app.get('/sign', async (c) => c.text(await sign({ sub: 'user123', role: 'admin', exp: 4102444800 }, JWT_SECRET)))
  app.use('/jwt/*', jwt({ secret: JWT_SECRET, alg: 'HS256' }))
  app.get('/jwt/page', (c) => c.json({ payload: c.get('jwtPayload') }))
  app.get('/es256', async (c) => {
    const token = await sign({ sub: 'ec-user' }, EC_PRIVATE_PEM, 'ES256')
    const payload = await verify(token, EC_PUBLIC_PEM, 'ES256')
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const rejected = await verify(tampered, EC_PUBLIC_PEM, 'ES256').then(
      () => false,
      () => true,
    )
    return c.json({ parts: token.split('.').length, payload, rejected })
  })

  app.get('/cookie/set', async (c) => {
    setCookie(c, 'delicious_cookie', 'macha', { path: '/', httpOnly: true, sameSite: 'Lax' })
    setCookie(c, 'second', 'value two', { maxAge: 1000 })
    await setSignedCookie(c, 'signed', 'secret value', COOKIE_SECRET)
    deleteCookie(c, 'old')
    return c.text('cookies set')
  })
  app.get('/cookie/get', async (c) =>
    c.json({ all: getCookie(c), one: getCookie(c, 'delicious_cookie') ?? null, signed: await getSignedCookie(c, COOKIE_SECRET) }),
  )

  app.post(
    '/validate/json',
    validator('json', (value, c) => {
      if (!value || typeof value.title !== 'string') return c.text('Invalid!', 400)
      return { title: value.title as string }
    }),
    (c) => c.json({ created: c.req.valid('json') }, 201),
  )
  app.post(
    '/validate/form',
    validator('form', (value, c) => {
      const body = value['body']
      if (!body || typeof body !== 'string') return c.text('Invalid!', 400)
      return { body, tags: value['tags[]'] ?? null }
    }),
    (c) => c.json({ form: c.req.valid('form') }),
  )
  app.post('/upload', async (c) => {
    const body = await c.req.parseBody({ all: true })
    const file = body['file']
    if (!(file instanceof File)) return c.json({ error: 'no file' }, 400)
    return c.json({
      name: body['name'],
      fileName: file.name,
      fileType: file.type,
      size: file.size,
      content: await file.text(),
      many: body['many'],
    })
  })
  return app
}

function helpersApp() {
  const app = new Hono()
  app.get('/stream-text', (c) =>
    streamText(c, async (stream) => {
      await stream.writeln('Hello')
      await stream.sleep(5)
      await stream.write('Hono! ü')
    }),
  )
  app.get('/sse', (c) =>
    streamSSE(c, async (stream) => {
      for (let id = 0; id < 3; id++) await stream.writeSSE({ data: `tick ${id}`, event: 'time-update', id: String(id) })
    }),
  )
  app.post('/limited', bodyLimit({ maxSize: 16, onError: (c) => c.text('overflow :(', 413) }), async (c) =>
    c.text(`got ${(await c.req.text()).length}`),
  )
  app.use('/csrf/*', csrf({ origin: 'https://allowed.example' }))
  app.post('/csrf/form', (c) => c.text('accepted'))
  app.use('/pretty/*', prettyJSON())
  app.get('/pretty/data', (c) => c.json({ a: 1, b: [true, null] }))
  app.use('/powered/*', poweredBy())
  app.get('/powered/x', (c) => c.text('powered'))
  app.use('/slash/*', appendTrailingSlash())
  app.get('/slash/dir/', (c) => c.text('with slash'))
  app.use('/override/*', methodOverride({ app }))
  app.delete('/override/item', (c) => c.text('deleted by override'))
  app.use('/timed/*', timing())
  app.get('/timed/x', (c) => c.text('timed'))
  app.get('/page', (c) => {
    const name = '<script>alert(1)</script>'
    return c.html(
      html`<!doctype html>
        <p>Hello, ${name}!</p>`,
    )
  })
  app.get('/accepts', (c) => c.text(accepts(c, { header: 'Accept-Language', supports: ['en', 'ja', 'zh'], default: 'en' })))
  return app
}

export const conformanceApps = {
  basics: basicsApp(),
  defaults: defaultsApp(),
  middleware: middlewareApp(),
  auth: authApp(),
  helpers: helpersApp(),
}

export type ConformanceAppName = keyof typeof conformanceApps
