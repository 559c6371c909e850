import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import { db, cache, clock } from 'sandbox'

// quotes(id, text, author); settings(key, value): the row 'draining' is 1 while operators take
// this instance out of service, else 0.
// This app runs behind a load balancer (a proxy). Three things are expected of it:
// - GET /health: 200 whenever the process can answer at all (liveness)
// - GET /ready:  200 when it can do real work: the database answers and it is not draining;
//                otherwise 503 (readiness)
// - every route under /quotes: at most 5 requests per minute per client, where the client is
//   the address the proxy put last in X-Forwarded-For; the 6th gets 429 with Retry-After
const app = new Hono()

const LIMIT = 5
const WINDOW_MS = 60_000

// Done: liveness never touches the database. If this fails, the process is stuck.
app.get('/health', (c) => c.json({ status: 'ok' }))

// Always says ready, even while draining or when the database is gone. Ask the database:
// read the draining setting (inside try/catch), and answer 503 when it fails or is 1.
app.get('/ready', (c) => {
  return c.json({ status: 'ready' })
})

// TODO: count requests per client in the cache, and answer 429 with a Retry-After header
// (seconds until that client's minute is over) once a client has used its LIMIT.
const rateLimit: MiddlewareHandler = async (c, next) => {
  await next()
}

app.use('/quotes/*', rateLimit)

app.get('/quotes', (c) => c.json(db.all('SELECT id, text, author FROM quotes ORDER BY id')))

app.get('/quotes/random', (c) => {
  return c.json(db.get('SELECT id, text, author FROM quotes ORDER BY random() LIMIT 1'))
})

// Operators: PUT /admin/draining with { "draining": true } before a deploy. Done for you.
app.put('/admin/draining', async (c) => {
  const { draining } = await c.req.json().catch(() => ({}))
  if (typeof draining !== 'boolean') return c.json({ error: 'draining must be true or false' }, 400)
  db.run("UPDATE settings SET value = ? WHERE key = 'draining'", [draining ? 1 : 0])
  return c.json({ draining })
})

export default app
