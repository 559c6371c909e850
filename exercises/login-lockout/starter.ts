import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

// Log in with { "username": "...", "password": "..." }:
//   200 { username }  when the password is right
//   401 { error }     when the username or the password is wrong (the same answer for both)
// users(id, username, password_hash)
// login_attempts(username PRIMARY KEY, failed_attempts INTEGER DEFAULT 0, locked_until INTEGER NULL)
//
// The new rule, to stop anyone guessing passwords:
// - Each wrong password for a username adds 1 to its failed_attempts in login_attempts, whether
//   or not that user exists. The third one in a row still answers 401, and locks the username
//   for 15 minutes (store the time in locked_until).
// - While the username is locked, every attempt answers 429 { error }, even with the right
//   password, with a Retry-After header: the seconds left. Attempts while locked do not make
//   the lock longer.
// - A successful login sets failed_attempts back to 0.
// Use Date.now() for the time: the checks move your app's clock forward.
const app = new Hono()

type User = { username: string; password_hash: string }
type Attempts = { failed_attempts: number; locked_until: number | null }

// An unknown username is checked against this hash, so that every login costs one hash.
const NO_SUCH_USER = crypto.hashPassword('no such user')

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const name = String(username)
  const attempts = db.get<Attempts>('SELECT failed_attempts, locked_until FROM login_attempts WHERE username = ?', [name]) ?? {
    failed_attempts: 0,
    locked_until: null,
  }

  // TODO: if the username is locked right now, answer 429 here, before looking at the password.

  const user = db.get<User>('SELECT username, password_hash FROM users WHERE username = ?', [name])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, String(password))
  if (!user || !right) {
    // TODO: count the failure, and lock the username on the third one in a row.
    return c.json({ error: 'wrong username or password' }, 401)
  }
  // TODO: a successful login sets failed_attempts back to 0.
  return c.json({ username: user.username })
})

export default app
