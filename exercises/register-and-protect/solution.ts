import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

type User = { id: number; username: string; password_hash: string; phone: string }

const NO_SUCH_USER = crypto.hashPassword('no such user')
const SESSION_MS = 24 * 60 * 60 * 1000

// Sessions (done for you). The client gets a random token; the table stores only its keyed hash
// and an expiry, so a leaked copy of sessions logs nobody in, and a stolen token stops working.
function startSession(userId: number): string {
  const token = crypto.randomToken()
  db.run('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)', [crypto.sign(token), userId, Date.now() + SESSION_MS])
  return token
}

/** The user of a "Bearer <token>" header whose session exists and has not expired, or undefined. */
function sessionUser(header: string | undefined): User | undefined {
  if (!header?.startsWith('Bearer ')) return undefined
  return db.get<User>('SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id WHERE token_hash = ? AND expires_at > ?', [
    crypto.sign(header.slice('Bearer '.length)),
    Date.now(),
  ])
}

// { username, password, phone } -> 201 { id, username }; 400 when a field is missing or the
// password is shorter than 8 characters; 409 when the username is taken.
app.post('/register', async (c) => {
  const { username, password, phone } = await c.req.json().catch(() => ({}))
  if (typeof username !== 'string' || username === '' || typeof phone !== 'string' || phone === '') {
    return c.json({ error: 'username and phone are required' }, 400)
  }
  if (typeof password !== 'string' || password.length < 8) {
    return c.json({ error: 'password must be at least 8 characters' }, 400)
  }
  try {
    const { lastInsertRowid } = db.run('INSERT INTO users (username, password_hash, phone) VALUES (?, ?, ?)', [
      username,
      crypto.hashPassword(password),
      crypto.encrypt(phone),
    ])
    return c.json({ id: lastInsertRowid, username }, 201)
  } catch (error) {
    // The UNIQUE constraint on username decides "taken", not a SELECT first: two sign-ups for
    // one name at the same moment would both pass the SELECT.
    if (error instanceof Error && error.message.includes('UNIQUE')) return c.json({ error: 'that username is taken' }, 409)
    throw error
  }
})

// { username, password } -> 200 { token }, or 401.
app.post('/login', async (c) => {
  const { username, password } = await c.req.json().catch(() => ({}))
  const user = db.get<User>('SELECT * FROM users WHERE username = ?', [String(username)])
  // An unknown name is checked against a made-up hash, so it costs the same work as a real one.
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, String(password))
  if (!user || !right) return c.json({ error: 'wrong username or password' }, 401)
  return c.json({ token: startSession(user.id) })
})

// "Authorization: Bearer <token>" -> 200 { username, phone }, or 401 with WWW-Authenticate.
app.get('/me', (c) => {
  const user = sessionUser(c.req.header('authorization'))
  if (!user) {
    c.header('WWW-Authenticate', 'Bearer')
    return c.json({ error: 'log in first' }, 401)
  }
  return c.json({ username: user.username, phone: crypto.decrypt(user.phone) })
})

export default app
