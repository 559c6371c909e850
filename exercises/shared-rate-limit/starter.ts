import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import { db, clock } from 'sandbox'

// rates(currency, per_euro); rate_limits(client, window_start, count), primary key (client, window_start)
// This app runs as 3 replicas behind a load balancer, which sends each request to any of them.
// Every route under /rates allows 5 requests per minute per client (the last X-Forwarded-For
// entry); the sixth gets 429 with Retry-After.
const app = new Hono()

const LIMIT = 5
const WINDOW_MS = 60_000

// The proxy appends the address it saw to X-Forwarded-For: only the last entry is ours.
function clientOf(c: Context): string {
  const hops = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
  return hops.at(-1) ?? 'unknown'
}

// Works on one copy. But this Map lives in one replica's memory: the other two have their own,
// and a client spread over all three gets 15 requests a minute. Count in rate_limits instead,
// with one atomic statement per request.
const windows = new Map<string, { count: number; resetAt: number }>()

const rateLimit: MiddlewareHandler = async (c, next) => {
  const client = clientOf(c)
  const now = clock.now()
  let window = windows.get(client)
  if (!window || window.resetAt <= now) {
    window = { count: 0, resetAt: now + WINDOW_MS }
    windows.set(client, window)
  }
  window.count += 1
  if (window.count > LIMIT) {
    c.header('Retry-After', String(Math.ceil((window.resetAt - now) / 1000)))
    return c.json({ error: `too many requests: ${LIMIT} a minute` }, 429)
  }
  await next()
}

app.use('/rates/*', rateLimit)

app.get('/rates', (c) => c.json(db.all('SELECT currency, per_euro FROM rates ORDER BY currency')))

app.get('/rates/:currency', (c) => {
  const rate = db.get('SELECT currency, per_euro FROM rates WHERE currency = ?', [c.req.param('currency').toUpperCase()])
  return rate ? c.json(rate) : c.json({ error: 'no such currency' }, 404)
})

app.get('/health', (c) => c.json({ status: 'ok' }))

export default app
