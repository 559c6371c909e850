import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

const TOKEN_LIFETIME_MS = 15 * 60 * 1000
// An unknown username is checked against this hash, so that every login costs one hash.
const NO_SUCH_USER = crypto.hashPassword('no such user')
const app = new Hono<{ Variables: { username: string } }>()

function issueToken(username: string): string {
  const payload = `${username}.${clock.now() + TOKEN_LIFETIME_MS}`
  return `${payload}.${crypto.sign(payload)}`
}

/** The username in a valid, unexpired token, or undefined. */
function readToken(token: string): string | undefined {
  const [username, expiresAt, signature] = token.split('.')
  if (!username || !expiresAt || !signature) return undefined
  if (!crypto.verify(`${username}.${expiresAt}`, signature)) return undefined
  // Not `<= now`: a NaN expiry would pass that test and never expire.
  if (!(Number(expiresAt) > clock.now())) return undefined
  return username
}

const requireToken = createMiddleware<{ Variables: { username: string } }>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const username = header.startsWith('Bearer ') ? readToken(header.slice('Bearer '.length)) : undefined
  if (!username) {
    c.header('WWW-Authenticate', 'Bearer')
    return c.json({ error: 'a valid token is required' }, 401)
  }
  c.set('username', username)
  await next()
})

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = ?', [username])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, password)
  if (!user || !right) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  return c.json({ token: issueToken(username) })
})

app.get('/me', requireToken, (c) => c.json({ username: c.get('username') }))

export default app
