import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import { db, cache, clock, log } from 'sandbox'

const app = new Hono()

const LIMIT = 5
const WINDOW_MS = 60_000

// Liveness: the process answers. Never touches the database.
app.get('/health', (c) => c.json({ status: 'ok' }))

// Readiness: can this instance do real work right now? Asking the database answers both
// "does it answer?" and "are we draining?".
app.get('/ready', (c) => {
  try {
    const row = db.get<{ value: number }>("SELECT value FROM settings WHERE key = 'draining'")
    if (row?.value === 1) return c.json({ status: 'draining' }, 503)
    return c.json({ status: 'ready' })
  } catch (error) {
    log.error('not ready: the database does not answer', { error: String(error) })
    return c.json({ status: 'database unavailable' }, 503)
  }
})

// The proxy appends the address it saw to X-Forwarded-For, so the last entry is the one we can
// trust; anything before it was written by the client (or by proxies we do not know).
function clientOf(c: Context): string {
  const hops = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
  return hops.at(-1) ?? 'unknown'
}

type Window = { count: number; resetAt: number }

// A fixed window per client: it opens with the client's first request and lasts a minute.
const rateLimit: MiddlewareHandler = async (c, next) => {
  const key = `rate:${clientOf(c)}`
  const now = clock.now()
  const entry = cache.get<Window>(key) ?? { count: 0, resetAt: now + WINDOW_MS }
  entry.count += 1
  cache.set(key, entry, { ttlMs: entry.resetAt - now })
  if (entry.count > LIMIT) {
    c.header('Retry-After', String(Math.ceil((entry.resetAt - now) / 1000)))
    return c.json({ error: 'too many requests: slow down' }, 429)
  }
  await next()
}

app.use('/quotes/*', rateLimit)

app.get('/quotes', (c) => c.json(db.all('SELECT id, text, author FROM quotes ORDER BY id')))

app.get('/quotes/random', (c) => {
  return c.json(db.get('SELECT id, text, author FROM quotes ORDER BY random() LIMIT 1'))
})

// Operators: PUT /admin/draining with { "draining": true } before a deploy.
app.put('/admin/draining', async (c) => {
  const { draining } = await c.req.json().catch(() => ({}))
  if (typeof draining !== 'boolean') return c.json({ error: 'draining must be true or false' }, 400)
  db.run("UPDATE settings SET value = ? WHERE key = 'draining'", [draining ? 1 : 0])
  return c.json({ draining })
})

export default app
