import { Hono } from 'hono'
import { db, crypto, clock } from 'sandbox'

// Users log in with a password and get a signed token that proves who they are for 15 minutes.
// A token looks like  <username>.<expiresAt>.<signature>  where the signature is
// crypto.sign('<username>.<expiresAt>') and expiresAt is a time in milliseconds.
const TOKEN_LIFETIME_MS = 15 * 60 * 1000
// An unknown username is checked against this hash, so that every login costs one hash.
const NO_SUCH_USER = crypto.hashPassword('no such user')
const app = new Hono()

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = ?', [username])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, password)
  if (!user || !right) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  // TODO: build the token and answer { token }
  return c.json({ error: 'not implemented yet' }, 501)
})

// Answers { username } for a valid token sent as "Authorization: Bearer <token>", else 401 with
// the header WWW-Authenticate: Bearer (it tells the client how to authenticate).
app.get('/me', (c) => {
  // TODO: read the header, check the signature and the expiry
  return c.json({ error: 'not implemented yet' }, 501)
})

export default app
