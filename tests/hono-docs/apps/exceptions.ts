// Hono docs, API > Exception and API > App (https://hono.dev/docs/api/exception,
// https://hono.dev/docs/api/hono): HTTPException with a message or a response, app.onError,
// app.notFound, an error that is not an HTTPException.
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'

const app = new Hono()

app.post('/auth', (c) => {
  if (c.req.header('authorization') !== 'Bearer ok') throw new HTTPException(401, { message: 'Custom error message' })
  return c.text('Authorized')
})
app.get('/teapot', () => {
  throw new HTTPException(418, { res: new Response('I am a teapot', { status: 418, headers: { 'X-Reason': 'short and stout' } }) })
})
app.get('/cause', () => {
  throw new HTTPException(403, { message: 'Forbidden', cause: new Error('no role') })
})
app.get('/crash', () => {
  throw new TypeError('something broke')
})

app.notFound((c) => c.text('Custom 404 Message', 404))
app.onError((err, c) => {
  if (err instanceof HTTPException) return err.getResponse()
  return c.text(`Custom Error Message: ${err.message}`, 500)
})

export default app

export const requests = [
  { name: 'HTTPException with a message', method: 'POST', path: '/auth' },
  { name: 'no exception', method: 'POST', path: '/auth', headers: { authorization: 'Bearer ok' } },
  { name: 'HTTPException with its own response', path: '/teapot' },
  { name: 'HTTPException with a cause', path: '/cause' },
  { name: 'onError for any other error', path: '/crash' },
  { name: 'custom notFound', path: '/missing' },
]
