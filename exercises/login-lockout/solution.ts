import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

const MAX_FAILURES = 3
const LOCK_MS = 15 * 60_000

type User = { id: number; username: string; password_hash: string; failed_attempts: number; locked_until: number | null }

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<User>('SELECT id, username, password_hash, failed_attempts, locked_until FROM users WHERE username = ?', [username])
  if (!user) return c.json({ error: 'wrong username or password' }, 401)

  // A locked account is refused before the password is even looked at.
  const now = Date.now()
  if (user.locked_until !== null && user.locked_until > now) {
    c.header('Retry-After', String(Math.ceil((user.locked_until - now) / 1000)))
    return c.json({ error: 'too many failed attempts: this account is locked, try again later' }, 423)
  }

  if (!crypto.verifyPassword(user.password_hash, password)) {
    const failures = user.failed_attempts + 1
    if (failures >= MAX_FAILURES) {
      // Lock, and start counting afresh once the lock is over.
      db.run('UPDATE users SET failed_attempts = 0, locked_until = ? WHERE id = ?', [now + LOCK_MS, user.id])
    } else {
      db.run('UPDATE users SET failed_attempts = ? WHERE id = ?', [failures, user.id])
    }
    return c.json({ error: 'wrong username or password' }, 401)
  }

  db.run('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?', [user.id])
  return c.json({ username: user.username })
})

export default app
