// Hono docs, Middleware > Built-in and Helpers (https://hono.dev/docs/middleware/builtin/jwt,
// .../ip-restriction, .../language, .../combine, .../timeout, .../trailing-slash,
// .../method-not-allowed, https://hono.dev/docs/helpers/conninfo, https://hono.dev/docs/concepts/routers):
// jwt, connection info and ip-restriction, languageDetector, combine, timeout,
// trimTrailingSlash, methodNotAllowed, another router.
import { Hono } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { every, some } from 'hono/combine'
import { ipRestriction } from 'hono/ip-restriction'
import { jwt, sign } from 'hono/jwt'
import { languageDetector } from 'hono/language'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { timeout } from 'hono/timeout'
import { trimTrailingSlash } from 'hono/trailing-slash'

const app = new Hono({ router: new RegExpRouter() })

app.use('/auth/*', jwt({ secret: 'it-is-very-secret', alg: 'HS256' }))
app.get('/auth/page', (c) => c.json(c.get('jwtPayload')))
app.get('/token', async (c) => c.text(await sign({ sub: 'user123', role: 'admin', exp: 4102444800 }, 'it-is-very-secret')))

app.get('/ip', (c) => c.text(`Your remote address is ${getConnInfo(c).remote.address}`))
app.use('/local/*', ipRestriction(getConnInfo, { denyList: [], allowList: ['127.0.0.1', '::1'] }))
app.get('/local/only', (c) => c.text('Hello, localhost!'))
app.use('/remote/*', ipRestriction(getConnInfo, { denyList: ['127.0.0.1', '::1'] }))
app.get('/remote/only', (c) => c.text('never'))

app.use('/lang/*', languageDetector({ supportedLanguages: ['en', 'ar', 'ja'], fallbackLanguage: 'en' }))
app.get('/lang/hello', (c) => c.text(`language ${c.get('language')}`))

const hasKey = (header: string) =>
  async function requireHeader(c: import('hono').Context, next: import('hono').Next) {
    if (!c.req.header(header)) return c.text(`${header} missing`, 401)
    await next()
  }
app.use('/combined/*', some(hasKey('x-api-key'), every(hasKey('x-user'), hasKey('x-role'))))
app.get('/combined/data', (c) => c.text('let in'))

app.use('/slow/*', timeout(1000))
app.get('/slow/fast', (c) => c.text('in time'))

app.use('/trim/*', trimTrailingSlash())
app.get('/trim/about', (c) => c.text('no slash'))

const methods = new Hono()
methods.use(methodNotAllowed({ app: methods }))
methods.get('/hello', (c) => c.text('Hello!'))
methods.post('/hello', (c) => c.text('Posted!'))
app.route('/methods', methods)

export default app

export const requests = [
  { name: 'jwt without a token', path: '/auth/page' },
  {
    name: 'jwt with a valid token',
    path: '/auth/page',
    headers: {
      authorization:
        'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMTIzIiwicm9sZSI6ImFkbWluIiwiZXhwIjo0MTAyNDQ0ODAwfQ.g48Pbp3tdFWC4FFwCkZqZjwwy0CgwccABDNzsls_jpU',
    },
  },
  { name: 'sign()', path: '/token' },
  { name: 'getConnInfo', path: '/ip' },
  { name: 'ipRestriction lets the allowed in', path: '/local/only' },
  { name: 'ipRestriction keeps the denied out', path: '/remote/only' },
  { name: 'languageDetector from Accept-Language', path: '/lang/hello', headers: { 'accept-language': 'ja,en;q=0.8' } },
  { name: 'languageDetector from the query', path: '/lang/hello?lang=ar' },
  { name: 'combine: some() of none', path: '/combined/data' },
  { name: 'combine: every() inside some()', path: '/combined/data', headers: { 'x-user': 'ann', 'x-role': 'admin' } },
  { name: 'timeout, answered in time', path: '/slow/fast' },
  { name: 'trimTrailingSlash redirects', path: '/trim/about/' },
  { name: 'methodNotAllowed', method: 'PUT', path: '/methods/hello' },
]
