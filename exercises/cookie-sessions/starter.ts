import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

// A bank's web app. users(id, username, password_hash),
// sessions(id_hash PRIMARY KEY, user_id, csrf_token, expires_at),
// transfers(id, from_user, to_username, amount_cents).
//
// It works, and it is easy to attack. Fix five places:
//   1. the session cookie's attributes (COOKIE below)
//   2. POST /login: a new random id at every login, stored only as crypto.sign(id)
//   3. POST /transfers: refuse (403) a form without the session's own csrf_token
//   4. every POST: refuse (403) requests from other sites (hono/csrf, or your own middleware)
//   5. POST /logout: end the session on the server too

// The bank's pages are served from this origin (behind a proxy: the app itself sees http://...).
const APP_ORIGIN = 'https://bank.example'
const SESSION_SECONDS = 2 * 60 * 60

type Session = { id_hash: string; user_id: number; username: string; csrf_token: string }
type Env = { Variables: { session: Session } }
const app = new Hono<Env>()

// TODO (1): the options of the session cookie, used at login and logout.
const COOKIE = {}

/** The session of the request's cookie, if it exists and has not expired. */
function currentSession(cookie: string | undefined): Session | undefined {
  if (!cookie) return undefined
  return db.get<Session>(
    `SELECT sessions.id_hash, sessions.user_id, users.username, sessions.csrf_token
     FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.id_hash = ? AND sessions.expires_at > ?`,
    [cookie, clock.now()],
  )
}

const requireSession = createMiddleware<Env>(async (c, next) => {
  const session = currentSession(getCookie(c, 'session'))
  if (!session) return c.json({ error: 'log in first' }, 401)
  c.set('session', session)
  await next()
})

// username=...&password=... -> 200 { username } and a session cookie, or 401.
app.post('/login', async (c) => {
  const { username, password } = await c.req.parseBody()
  const user = db.get<{ id: number; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = ?', [String(username)])
  if (!user || !crypto.verifyPassword(user.password_hash, String(password))) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  // TODO (2): a visitor who already has a session id keeps it, and it is stored as it is.
  const id = getCookie(c, 'session') ?? crypto.randomUUID()
  db.run('INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)', [
    id,
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
// TODO (3): the csrf_token field is never looked at.
app.post('/transfers', requireSession, async (c) => {
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

// TODO (5): the browser forgets the cookie, but the session row stays valid.
app.post('/logout', requireSession, (c) => {
  deleteCookie(c, 'session', COOKIE)
  return c.body(null, 204)
})

export default app
