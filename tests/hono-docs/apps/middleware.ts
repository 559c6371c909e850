// Hono docs, Guides > Middleware (https://hono.dev/docs/guides/middleware): execution order,
// built-in middleware on a path, custom middleware before and after next(), replacing c.res.
import { Hono } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { createMiddleware } from 'hono/factory'
import { poweredBy } from 'hono/powered-by'

const app = new Hono()

const order: string[] = []
const step = (name: string) =>
  createMiddleware(async (_c, next) => {
    order.push(`${name} start`)
    await next()
    order.push(`${name} end`)
  })

app.use(poweredBy())
app.use('/order', async (_c, next) => {
  order.length = 0
  await next()
})
app.use('/order', step('middleware 1'), step('middleware 2'), step('middleware 3'))
app.get('/order', (c) => {
  order.push('handler')
  return c.text('Hello!')
})
app.get('/order/seen', (c) => c.json(order))

app.use('/auth/*', basicAuth({ username: 'hono', password: 'acoolproject' }))
app.get('/auth/page', (c) => c.text('You are authorized'))

app.use('/message/*', async (c, next) => {
  await next()
  c.header('x-message', 'This is middleware!')
})
app.get('/message/hello', (c) => c.text('Hello Middleware!'))

const stripRes = createMiddleware(async (c, next) => {
  await next()
  c.res = undefined
  c.res = new Response('New Response')
})
app.get('/stripped', stripRes, (c) => c.text('Old Response'))

export default app

export const requests = [
  { name: 'runs the handler inside three middleware', path: '/order' },
  { name: 'middleware ran in the documented order', path: '/order/seen' },
  { name: 'basicAuth without credentials', path: '/auth/page' },
  { name: 'basicAuth with the wrong password', path: '/auth/page', headers: { authorization: 'Basic aG9ubzp3cm9uZw==' } },
  { name: 'basicAuth with the right password', path: '/auth/page', headers: { authorization: 'Basic aG9ubzphY29vbHByb2plY3Q=' } },
  { name: 'a header added after next()', path: '/message/hello' },
  { name: 'c.res replaced after next()', path: '/stripped' },
]
