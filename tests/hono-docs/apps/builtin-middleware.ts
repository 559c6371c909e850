// Hono docs, Middleware > Built-in (https://hono.dev/docs/middleware/builtin/cors and the pages
// beside it): cors, etag, secureHeaders, prettyJSON, requestId, timing, trailingSlash,
// bodyLimit, bearerAuth, csrf, methodOverride.
import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { etag } from 'hono/etag'
import { methodOverride } from 'hono/method-override'
import { prettyJSON } from 'hono/pretty-json'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { timing, setMetric } from 'hono/timing'
import { appendTrailingSlash } from 'hono/trailing-slash'

const app = new Hono()

app.use('/api/*', cors({ origin: 'http://example.com', allowHeaders: ['X-Custom-Header'], allowMethods: ['POST', 'GET', 'OPTIONS'], maxAge: 600 }))
app.get('/api/abc', (c) => c.json({ success: true }))

app.use('/etag/*', etag())
app.get('/etag/abc', (c) => c.text('Hono is cool'))

app.use('/secure/*', secureHeaders())
app.get('/secure/page', (c) => c.text('secured'))

app.use('/pretty/*', prettyJSON())
app.get('/pretty/data', (c) => c.json({ project: { name: 'hono', tags: ['fast'] } }))

app.use('/id/*', requestId())
app.get('/id/who', (c) => c.text(`request ${c.get('requestId').length} characters`))

app.use('/timed/*', timing())
app.get('/timed/work', (c) => {
  setMetric(c, 'region', 'europe-west3')
  return c.text('timed')
})

app.use('/slash/*', appendTrailingSlash())
app.get('/slash/about/me/', (c) => c.text('with a slash'))

app.post('/upload', bodyLimit({ maxSize: 16, onError: (c) => c.text('overflow :(', 413) }), async (c) =>
  c.text(`${(await c.req.text()).length} bytes`),
)

app.use('/token/*', bearerAuth({ token: 'honoiscool' }))
app.get('/token/page', (c) => c.text('You are authorized'))

app.use('/csrf/*', csrf({ origin: 'http://myapp.example.com' }))
app.post('/csrf/form', (c) => c.text('accepted'))

app.use('/override', methodOverride({ app }))
app.delete('/override', (c) => c.text('deleted through a form'))

export default app

export const requests = [
  { name: 'cors simple request', path: '/api/abc', headers: { origin: 'http://example.com' } },
  {
    name: 'cors preflight',
    method: 'OPTIONS',
    path: '/api/abc',
    headers: { origin: 'http://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'X-Custom-Header' },
  },
  { name: 'etag', path: '/etag/abc' },
  { name: 'etag with If-None-Match', path: '/etag/abc', headers: { 'if-none-match': '"4e32298b1cb4edc595237405e5b696e105c2399a"' } },
  { name: 'secureHeaders', path: '/secure/page' },
  { name: 'prettyJSON with ?pretty', path: '/pretty/data?pretty' },
  { name: 'requestId', path: '/id/who' },
  { name: 'requestId taken from the request', path: '/id/who', headers: { 'x-request-id': 'corpus-given-id' } },
  { name: 'timing', path: '/timed/work' },
  { name: 'appendTrailingSlash redirects', path: '/slash/about/me' },
  { name: 'bodyLimit within the limit', method: 'POST', path: '/upload', body: 'small' },
  { name: 'bodyLimit over the limit', method: 'POST', path: '/upload', body: 'this body is longer than sixteen bytes' },
  { name: 'bearerAuth without a token', path: '/token/page' },
  { name: 'bearerAuth with the token', path: '/token/page', headers: { authorization: 'Bearer honoiscool' } },
  {
    name: 'csrf refuses a form from another origin',
    method: 'POST',
    path: '/csrf/form',
    headers: { origin: 'http://evil.example.com', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=1',
  },
  {
    name: 'methodOverride turns a form POST into DELETE',
    method: 'POST',
    path: '/override',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '_method=DELETE',
  },
]
