import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import { db, clock, crypto, log } from 'sandbox'

// orders(id, customer, total_cents, status)
const app = new Hono()

// --- Tracing: W3C Trace Context (https://www.w3.org/TR/trace-context/) ---

type TraceParent = { traceId: string; parentId: string; flags: string }

// version "00", a 32-hex trace id, a 16-hex parent (span) id and 2-hex flags, all lowercase.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The caller's trace context, or undefined when the header is missing or malformed. */
function parseTraceparent(header: string | undefined): TraceParent | undefined {
  const match = TRACEPARENT.exec(header?.trim() ?? '')
  if (!match) return undefined
  const [, traceId, parentId, flags] = match as unknown as [string, string, string, string]
  // All-zero ids are invalid: they would glue unrelated requests into one trace.
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined
  return { traceId, parentId, flags }
}

/** `bytes` random bytes as lowercase hex: a UUID without its dashes is 32 hex digits, nearly all random. */
function randomHex(bytes: number): string {
  const hex = crypto.randomUUID().replaceAll('-', '')
  return hex.slice(0, bytes * 2)
}

// --- Metrics: Prometheus text exposition format ---

// Upper bounds of the latency buckets, in seconds (the Prometheus client libraries' defaults).
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

type Histogram = { buckets: number[]; sum: number; count: number }

// One entry per label set. Keys are the label text, e.g. method="GET",route="/orders/:id".
// These live in this process: each replica exposes its own, and Prometheus adds them up.
const requestsTotal = new Map<string, number>()
const durations = new Map<string, Histogram>()

const labels = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([name, value]) => `${name}="${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
    .join(',')

function observeRequest(method: string, route: string, status: number, seconds: number) {
  const counted = labels({ method, route, status })
  requestsTotal.set(counted, (requestsTotal.get(counted) ?? 0) + 1)
  const timed = labels({ method, route })
  const histogram = durations.get(timed) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }
  // Cumulative: a request of 0.03 s is counted in every bucket from le="0.05" up.
  BUCKETS.forEach((le, i) => {
    if (seconds <= le) histogram.buckets[i]! += 1
  })
  histogram.sum += seconds
  histogram.count += 1
  durations.set(timed, histogram)
}

// Traces every request and counts it: RED, the rate, errors and duration of each route.
const observe: MiddlewareHandler = async (c, next) => {
  const started = clock.now()
  const parent = parseTraceparent(c.req.header('traceparent'))
  const traceId = parent?.traceId ?? randomHex(16)
  const spanId = randomHex(8)
  const flags = parent?.flags ?? '01'
  // Our span's context: what a call to another service would send on, and what we answer.
  c.header('traceparent', `00-${traceId}-${spanId}-${flags}`)
  await next()
  // After next() the route has run: its pattern and the status are known now.
  const route = c.req.routePath
  const status = c.res.status
  const durationMs = clock.now() - started
  log.info('request', { traceId, spanId, parentId: parent?.parentId ?? null, method: c.req.method, route, status, durationMs })
  observeRequest(c.req.method, route, status, durationMs / 1000)
}

app.use('*', observe)

app.get('/metrics', (c) => {
  const lines = [
    '# HELP http_requests_total Requests handled, by method, route pattern and status.',
    '# TYPE http_requests_total counter',
    ...[...requestsTotal].map(([set, value]) => `http_requests_total{${set}} ${value}`),
    '# HELP http_request_duration_seconds How long requests took, by method and route pattern.',
    '# TYPE http_request_duration_seconds histogram',
  ]
  for (const [set, { buckets, sum, count }] of durations) {
    BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{${set},le="${le}"} ${buckets[i]}`))
    lines.push(`http_request_duration_seconds_bucket{${set},le="+Inf"} ${count}`)
    lines.push(`http_request_duration_seconds_sum{${set}} ${sum}`)
    lines.push(`http_request_duration_seconds_count{${set}} ${count}`)
  }
  return c.text(`${lines.join('\n')}\n`, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
})

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
