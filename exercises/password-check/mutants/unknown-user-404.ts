// An unknown username answers 404 "no such user", which tells anyone which usernames exist
import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

// An unknown username is checked against this made-up hash, so that it costs the same work as a
// real one: an answer that came back sooner would tell which usernames exist.
const NO_SUCH_USER = crypto.hashPassword('no such user')

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ username: string; password_hash: string }>('SELECT username, password_hash FROM users WHERE username = ?', [username])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, String(password))
  if (!user) return c.json({ error: `there is no user called ${username}` }, 404)
  if (!right) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  return c.json({ username: user.username })
})

export default app
