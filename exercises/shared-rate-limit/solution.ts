import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import { db, clock } from 'sandbox'

// rates(currency, per_euro); rate_limits(client, window_start, count), primary key (client, window_start)
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

// A fixed window per client, counted in the database that every replica shares. One statement
// adds the request and answers the new count, so two replicas can never both read 4 and write 5.
const rateLimit: MiddlewareHandler = async (c, next) => {
  const client = clientOf(c)
  const now = clock.now()
  const windowStart = now - (now % WINDOW_MS)
  const { count } = db.get<{ count: number }>(
    `INSERT INTO rate_limits (client, window_start, count) VALUES (?, ?, 1)
     ON CONFLICT (client, window_start) DO UPDATE SET count = count + 1
     RETURNING count`,
    [client, windowStart],
  )!
  // The first request of a window clears this client's old windows (Redis would EXPIRE them).
  if (count === 1) db.run('DELETE FROM rate_limits WHERE client = ? AND window_start < ?', [client, windowStart])
  if (count > LIMIT) {
    c.header('Retry-After', String(Math.ceil((windowStart + WINDOW_MS - now) / 1000)))
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
