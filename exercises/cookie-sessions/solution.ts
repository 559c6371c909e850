import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

// The bank's pages are served from this origin (behind a proxy: the app itself sees http://...).
const APP_ORIGIN = 'https://bank.example'
const SESSION_SECONDS = 2 * 60 * 60

type Session = { id_hash: string; user_id: number; username: string; csrf_token: string }
type Env = { Variables: { session: Session } }
const app = new Hono<Env>()

// The session cookie: no script can read it, it travels over HTTPS only, other sites' requests
// do not carry it, and the browser drops it when the server would refuse it anyway.
const COOKIE = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: SESSION_SECONDS } as const

// Every POST must come from our own pages: Sec-Fetch-Site: same-origin, or our Origin.
app.use(csrf({ origin: APP_ORIGIN }))

/** The session of the request's cookie, if it exists and has not expired. */
function currentSession(cookie: string | undefined): Session | undefined {
  if (!cookie) return undefined
  return db.get<Session>(
    `SELECT sessions.id_hash, sessions.user_id, users.username, sessions.csrf_token
     FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.id_hash = ? AND sessions.expires_at > ?`,
    [crypto.sign(cookie), clock.now()],
  )
}

const requireSession = createMiddleware<Env>(async (c, next) => {
  const session = currentSession(getCookie(c, 'session'))
  if (!session) return c.json({ error: 'log in first' }, 401)
  c.set('session', session)
  await next()
})

/** A state-changing request must carry the session's own CSRF token, from the page we served. */
const requireCsrfToken = createMiddleware<Env>(async (c, next) => {
  const form = await c.req.parseBody()
  const sent = c.req.header('X-CSRF-Token') ?? form.csrf_token
  if (typeof sent !== 'string' || sent !== c.get('session').csrf_token) {
    return c.json({ error: 'missing or wrong CSRF token: reload the page and try again' }, 403)
  }
  await next()
})

// username=...&password=... -> 200 { username } and a new session cookie, or 401.
app.post('/login', async (c) => {
  const { username, password } = await c.req.parseBody()
  const user = db.get<{ id: number; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = ?', [String(username)])
  if (!user || !crypto.verifyPassword(user.password_hash, String(password))) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  // A new id at every login (never the one the browser brought: someone may have planted it),
  // and the old session, if any, is over.
  const old = getCookie(c, 'session')
  if (old) db.run('DELETE FROM sessions WHERE id_hash = ?', [crypto.sign(old)])
  const id = crypto.randomToken()
  db.run('INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)', [
    crypto.sign(id),
    user.id,
    crypto.randomToken(),
    clock.now() + SESSION_SECONDS * 1000,
  ])
  setCookie(c, 'session', id, COOKIE)
  return c.json({ username })
})

// -> 200 { username, csrfToken }: the page puts csrfToken in every form it sends.
app.get('/me', requireSession, (c) => {
  const { username, csrf_token } = c.get('session')
  return c.json({ username, csrfToken: csrf_token })
})

// to=...&amount_cents=...&csrf_token=... -> 201 { id, to, amount_cents }
app.post('/transfers', requireSession, requireCsrfToken, async (c) => {
  const { to, amount_cents } = await c.req.parseBody()
  const amount = Number(amount_cents)
  if (typeof to !== 'string' || to === '' || !Number.isInteger(amount) || amount <= 0) {
    return c.json({ error: 'to and a positive whole amount_cents are required' }, 400)
  }
  const { lastInsertRowid } = db.run('INSERT INTO transfers (from_user, to_username, amount_cents) VALUES (?, ?, ?)', [
    c.get('session').user_id,
    to,
    amount,
  ])
  return c.json({ id: lastInsertRowid, to, amount_cents: amount }, 201)
})

// Ends the session on the server (the cookie alone could be copied and kept), then in the browser.
app.post('/logout', requireSession, (c) => {
  db.run('DELETE FROM sessions WHERE id_hash = ?', [c.get('session').id_hash])
  deleteCookie(c, 'session', COOKIE)
  return c.body(null, 204)
})

export default app
