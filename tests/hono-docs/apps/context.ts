// Hono docs, API > Context (https://hono.dev/docs/api/context): status, header, body, text,
// json, html, notFound, redirect, res after next, set/get and var, c.error.
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'

const app = new Hono<{ Variables: { message: string; echo: (text: string) => string } }>()

app.use(async (c, next) => {
  c.set('message', 'Hono is cool!!')
  await next()
})
app.use('/debug/*', async (c, next) => {
  await next()
  c.res.headers.append('X-Debug', 'Debug message')
})
app.use(async (c, next) => {
  await next()
  if (c.error) c.header('X-Had-Error', c.error.message)
})

app.get('/hello', (c) => c.text(`Hello, ${c.req.header('User-Agent')}`))
app.post('/posts', (c) => {
  c.status(201)
  return c.text('Your post is created!')
})
app.get('/header', (c) => {
  c.header('X-Message', 'My custom message')
  return c.text('HellO!')
})
app.get('/welcome', (c) => {
  c.header('Content-Type', 'text/plain')
  return c.body('Thank you for coming')
})
app.get('/welcome-201', (c) => c.body('Thank you for coming', 201, { 'X-Message': 'Hello!', 'Content-Type': 'text/plain' }))
app.get('/say', (c) => c.text('Hello!'))
app.get('/api', (c) => c.json({ message: 'Hello!' }))
app.get('/page', (c) => c.html('<h1>Hello! Hono!</h1>'))
app.get('/notfound', (c) => c.notFound())
app.get('/redirect', (c) => c.redirect('/'))
app.get('/redirect-permanently', (c) => c.redirect('/', 301))
app.get('/redirect-absolute', (c) => c.redirect(new URL('/done', c.req.url).href, 303))
app.get('/nothing', (c) => c.body(null, 204))
app.get('/empty', (c) => c.body(null))
app.get('/debug/info', (c) => c.text('debugging'))
app.get('/message', (c) => c.text(`The message is "${c.get('message')}"`))
const echoMiddleware = createMiddleware<{ Variables: { echo: (text: string) => string } }>(async (c, next) => {
  c.set('echo', (text) => text)
  await next()
})
app.get('/echo', echoMiddleware, (c) => c.text(c.var.echo('Hello!')))
app.get('/url', (c) => c.json({ url: c.req.url, path: c.req.path }))
app.get('/broken', () => {
  throw new Error('handler failed')
})

export default app

export const requests = [
  { name: 'reads a request header', path: '/hello', headers: { 'user-agent': 'docs-corpus/1.0' } },
  { name: 'c.status(201)', method: 'POST', path: '/posts' },
  { name: 'c.header()', path: '/header' },
  { name: 'c.body() with a Content-Type', path: '/welcome' },
  { name: 'c.body() with status and headers', path: '/welcome-201' },
  { name: 'c.text()', path: '/say' },
  { name: 'c.json()', path: '/api' },
  { name: 'c.html()', path: '/page' },
  { name: 'c.notFound()', path: '/notfound' },
  { name: 'c.redirect()', path: '/redirect' },
  { name: 'c.redirect() with 301', path: '/redirect-permanently' },
  { name: 'c.redirect() to an absolute URL on its own origin', path: '/redirect-absolute' },
  { name: 'c.body(null, 204)', path: '/nothing' },
  { name: 'c.body(null)', path: '/empty' },
  { name: 'c.res after next()', path: '/debug/info' },
  { name: 'c.set() and c.get()', path: '/message' },
  { name: 'c.var from createMiddleware', path: '/echo' },
  { name: 'c.req.url and c.req.path', path: '/url?x=1' },
  { name: 'c.error after a throw', path: '/broken' },
  { name: 'an unknown path', path: '/nowhere' },
]
