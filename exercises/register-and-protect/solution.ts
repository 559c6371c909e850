import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

type User = { id: number; username: string; password_hash: string; phone: string }

app.post('/register', async (c) => {
  const { username, password, phone } = await c.req.json().catch(() => ({}))
  if (typeof username !== 'string' || username === '' || typeof phone !== 'string' || phone === '') {
    return c.json({ error: 'username and phone are required' }, 400)
  }
  if (typeof password !== 'string' || password.length < 8) {
    return c.json({ error: 'password must be at least 8 characters' }, 400)
  }
  if (db.get('SELECT id FROM users WHERE username = ?', [username])) {
    return c.json({ error: 'that username is taken' }, 409)
  }
  const { lastInsertRowid } = db.run('INSERT INTO users (username, password_hash, phone) VALUES (?, ?, ?)', [
    username,
    crypto.hashPassword(password),
    crypto.encrypt(phone),
  ])
  return c.json({ id: lastInsertRowid, username }, 201)
})

app.post('/login', async (c) => {
  const { username, password } = await c.req.json().catch(() => ({}))
  const user = db.get<User>('SELECT * FROM users WHERE username = ?', [String(username)])
  if (!user || !crypto.verifyPassword(user.password_hash, String(password))) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  const token = crypto.randomToken()
  db.run('INSERT INTO sessions (token, user_id) VALUES (?, ?)', [token, user.id])
  return c.json({ token })
})

app.get('/me', (c) => {
  const token = (c.req.header('authorization') ?? '').replace(/^Bearer /, '')
  const user = db.get<User>('SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id WHERE token = ?', [token])
  if (!user) return c.json({ error: 'log in first' }, 401)
  return c.json({ username: user.username, phone: crypto.decrypt(user.phone) })
})

export default app
