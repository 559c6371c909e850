// A lock answers 423 Locked, the WebDAV status, instead of 429 Too Many Requests
import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

const MAX_FAILURES = 3
const LOCK_MS = 15 * 60_000

type User = { username: string; password_hash: string }
type Attempts = { failed_attempts: number; locked_until: number | null }

// An unknown username is checked against this hash, so that every login costs one hash.
const NO_SUCH_USER = crypto.hashPassword('no such user')

/** Stores the failures of a username, known or not. */
function saveAttempts(username: string, failures: number, lockedUntil: number | null) {
  db.run(
    `INSERT INTO login_attempts (username, failed_attempts, locked_until) VALUES (?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until`,
    [username, failures, lockedUntil],
  )
}

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const name = String(username)
  const attempts = db.get<Attempts>('SELECT failed_attempts, locked_until FROM login_attempts WHERE username = ?', [name]) ?? {
    failed_attempts: 0,
    locked_until: null,
  }

  // A locked username is refused before the password is even looked at, whether it exists or not.
  const now = Date.now()
  if (attempts.locked_until !== null && attempts.locked_until > now) {
    c.header('Retry-After', String(Math.ceil((attempts.locked_until - now) / 1000)))
    return c.json({ error: 'too many failed attempts: try again later' }, 423)
  }

  const user = db.get<User>('SELECT username, password_hash FROM users WHERE username = ?', [name])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, String(password))
  if (!user || !right) {
    const failures = attempts.failed_attempts + 1
    // Lock on the third, and start counting afresh once the lock is over.
    if (failures >= MAX_FAILURES) saveAttempts(name, 0, now + LOCK_MS)
    else saveAttempts(name, failures, null)
    return c.json({ error: 'wrong username or password' }, 401)
  }

  saveAttempts(name, 0, null)
  return c.json({ username: user.username })
})

export default app
