import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

// users(id, username UNIQUE, password_hash, phone), sessions(token PRIMARY KEY, user_id)
//
// This app works, but a copy of its database gives away every password and phone number.
// Fix three places so that the database holds no secret in plain text:
//   1. POST /register stores crypto.hashPassword(password) and crypto.encrypt(phone)
//   2. POST /login checks the password with crypto.verifyPassword
//   3. GET /me answers the phone number decrypted with crypto.decrypt
const app = new Hono()

type User = { id: number; username: string; password_hash: string; phone: string }

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
  if (db.get('SELECT id FROM users WHERE username = ?', [username])) {
    return c.json({ error: 'that username is taken' }, 409)
  }
  // TODO: the "hash" is the password itself, and the phone number is stored as typed.
  const { lastInsertRowid } = db.run('INSERT INTO users (username, password_hash, phone) VALUES (?, ?, ?)', [username, password, phone])
  return c.json({ id: lastInsertRowid, username }, 201)
})

// { username, password } -> 200 { token }, or 401.
app.post('/login', async (c) => {
  const { username, password } = await c.req.json().catch(() => ({}))
  // TODO: once passwords are hashed, this comparison can never match again.
  const user = db.get<User>('SELECT * FROM users WHERE username = ? AND password_hash = ?', [String(username), String(password)])
  if (!user) return c.json({ error: 'wrong username or password' }, 401)
  const token = crypto.randomToken()
  db.run('INSERT INTO sessions (token, user_id) VALUES (?, ?)', [token, user.id])
  return c.json({ token })
})

// "Authorization: Bearer <token>" -> 200 { username, phone }, or 401.
app.get('/me', (c) => {
  const token = (c.req.header('authorization') ?? '').replace(/^Bearer /, '')
  const user = db.get<User>('SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id WHERE token = ?', [token])
  if (!user) return c.json({ error: 'log in first' }, 401)
  // TODO: once the phone is encrypted, decrypt it here.
  return c.json({ username: user.username, phone: user.phone })
})

export default app
