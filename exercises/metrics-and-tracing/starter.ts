import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import { db, clock, crypto, log } from 'sandbox'

// orders(id, customer, total_cents, status)
// The orders API works; nobody can see how it behaves. Make every request observable:
// - tracing: continue the caller's W3C trace (the traceparent header) or start a new one, give
//   this request a span id of its own, answer traceparent: 00-<trace id>-<your span id>-<flags>,
//   and log one line per request: log.info('request', { traceId, spanId, method, route, status, durationMs })
// - metrics: GET /metrics in the Prometheus text format, with a counter
//   http_requests_total{method,route,status} and a histogram http_request_duration_seconds{method,route}
const app = new Hono()

// Upper bounds of the latency buckets, in seconds (the Prometheus client libraries' defaults).
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// TODO: read traceparent, make ids (crypto.randomUUID() without its dashes is 32 hex digits),
// answer traceparent, and count the request for /metrics. The route pattern ("/orders/:id") is
// c.req.routePath once await next() has returned; the status is c.res.status.
const observe: MiddlewareHandler = async (c, next) => {
  const started = clock.now()
  await next()
  log.info('request', { method: c.req.method, path: c.req.path, durationMs: clock.now() - started })
}

app.use('*', observe)

// TODO: the Prometheus text exposition format, served as text/plain; version=0.0.4
app.get('/metrics', (c) => c.text('# no metrics yet\n'))

// --- The orders API (done) ---

app.get('/orders', (c) => c.json(db.all('SELECT id, customer, total_cents, status FROM orders ORDER BY id')))

app.get('/orders/:id', (c) => {
  const order = db.get('SELECT id, customer, total_cents, status FROM orders WHERE id = ?', [Number(c.req.param('id'))])
  return order ? c.json(order) : c.json({ error: 'no such order' }, 404)
})

app.post('/orders', async (c) => {
  const { customer, total_cents } = await c.req.json().catch(() => ({}))
  if (typeof customer !== 'string' || customer.trim() === '' || !Number.isInteger(total_cents) || total_cents <= 0) {
    return c.json({ error: 'customer (text) and total_cents (a positive whole number) are required' }, 400)
  }
  const { lastInsertRowid } = db.run('INSERT INTO orders (customer, total_cents) VALUES (?, ?)', [customer, total_cents])
  return c.json({ id: lastInsertRowid, customer, total_cents, status: 'new' }, 201)
})

export default app
