import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ username: string; password_hash: string }>('SELECT username, password_hash FROM users WHERE username = ?', [username])
  if (!user || !crypto.verifyPassword(user.password_hash, password)) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  return c.json({ username: user.username })
})

export default app
