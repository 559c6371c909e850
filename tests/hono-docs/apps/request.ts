// Hono docs, API > HonoRequest (https://hono.dev/docs/api/request): param, query, queries,
// header, parseBody, json, text, arrayBuffer, routePath, method.
import { Hono } from 'hono'

const app = new Hono()

app.get('/search', (c) => c.json({ q: c.req.query('q'), limit: c.req.query('limit'), all: c.req.query() }))
app.get('/tags', (c) => c.json({ tags: c.req.queries('tags'), all: c.req.queries() }))
app.get('/headers', (c) => c.json({ agent: c.req.header('User-Agent'), missing: c.req.header('X-Missing') ?? null }))
app.post('/form', async (c) => c.json(await c.req.parseBody()))
app.post('/form-all', async (c) => c.json(await c.req.parseBody({ all: true })))
app.post('/json', async (c) => c.json({ received: await c.req.json() }))
app.post('/text', async (c) => c.text(`got ${(await c.req.text()).length} characters`))
app.post('/bytes', async (c) => c.text(`got ${(await c.req.arrayBuffer()).byteLength} bytes`))
app.get('/posts/:id', (c) => c.json({ routePath: c.req.routePath, method: c.req.method }))

export default app

export const requests = [
  { name: 'query()', path: '/search?q=hono&limit=5' },
  { name: 'queries() with repeated keys', path: '/tags?tags=A&tags=B&x=1' },
  { name: 'header()', path: '/headers', headers: { 'user-agent': 'docs-corpus/1.0' } },
  {
    name: 'parseBody() of a form',
    method: 'POST',
    path: '/form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=Hono&lang=ts',
  },
  {
    name: 'parseBody({ all: true }) keeps repeated fields',
    method: 'POST',
    path: '/form-all',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'tag=a&tag=b&one=1',
  },
  {
    name: 'parseBody() of multipart form data',
    method: 'POST',
    path: '/form',
    headers: { 'content-type': 'multipart/form-data; boundary=corpus' },
    body: '--corpus\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n--corpus--\r\n',
  },
  { name: 'json()', method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"title":"Hello","tags":["a"]}' },
  { name: 'text() counts characters', method: 'POST', path: '/text', body: 'héllo wörld' },
  { name: 'arrayBuffer() counts bytes', method: 'POST', path: '/bytes', body: 'héllo wörld' },
  { name: 'routePath', path: '/posts/7' },
]
