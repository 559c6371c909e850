import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

// Log in with { "username": "...", "password": "..." }:
//   200 { username }  when the password is right
//   401 { error }     when the username or the password is wrong
// users(id, username, password_hash, failed_attempts INTEGER DEFAULT 0, locked_until INTEGER NULL)
//
// The new rule, to stop anyone guessing passwords:
// - Each wrong password for a username adds 1 to its failed_attempts. The third one in a row
//   still answers 401, and locks the account for 15 minutes (store the time in locked_until).
// - While the account is locked, every attempt answers 423 { error }, even with the right
//   password, with a Retry-After header: the seconds left. Attempts while locked do not make
//   the lock longer.
// - A successful login sets failed_attempts back to 0.
// Use Date.now() for the time: the checks move your app's clock forward.
const app = new Hono()

type User = { username: string; password_hash: string; failed_attempts: number; locked_until: number | null }

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<User>('SELECT username, password_hash, failed_attempts, locked_until FROM users WHERE username = ?', [username])
  if (!user) return c.json({ error: 'wrong username or password' }, 401)

  // TODO: if the account is locked right now, answer 423 here, before looking at the password.

  if (!crypto.verifyPassword(user.password_hash, password)) {
    // TODO: count the failure, and lock the account on the third one in a row.
    return c.json({ error: 'wrong username or password' }, 401)
  }
  // TODO: a successful login sets failed_attempts back to 0.
  return c.json({ username: user.username })
})

export default app
