import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

const ACCESS_LIFETIME_MS = 10 * 60 * 1000
const REFRESH_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000
const app = new Hono<{ Variables: { username: string } }>()

/** SHA-256 in hex: enough for a random token of 32 bytes, never for a password (see the lesson). */
async function sha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A signed access token, <username>.<expiresAt>.<signature>, as in the lesson on signed tokens. */
function issueAccessToken(username: string): string {
  const payload = `${username}.${clock.now() + ACCESS_LIFETIME_MS}`
  return `${payload}.${crypto.sign(payload)}`
}

/** The username in a valid, unexpired access token, or undefined. */
function readAccessToken(token: string): string | undefined {
  const [username, expiresAt, signature] = token.split('.')
  if (!username || !expiresAt || !signature || !crypto.verify(`${username}.${expiresAt}`, signature)) return undefined
  return Number(expiresAt) > clock.now() ? username : undefined
}

/** 401 with the header RFC 9110 requires of every 401. */
function unauthorized(c: Context, error: string) {
  c.header('WWW-Authenticate', 'Bearer')
  return c.json({ error }, 401)
}

/** A new refresh token in `family`. Only its hash is stored: the token itself goes to the client, once. */
async function issueRefreshToken(username: string, family: string): Promise<string> {
  const token = crypto.randomToken()
  db.run('INSERT INTO refresh_tokens (token_hash, family, username, expires_at) VALUES (?, ?, ?, ?)', [
    await sha256(token),
    family,
    username,
    clock.now() + REFRESH_LIFETIME_MS,
  ])
  return token
}

const requireAccessToken = createMiddleware<{ Variables: { username: string } }>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const username = header.startsWith('Bearer ') ? readAccessToken(header.slice('Bearer '.length)) : undefined
  if (!username) return unauthorized(c, 'a valid access token is required')
  c.set('username', username)
  await next()
})

app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = ?', [username])
  if (!user || !crypto.verifyPassword(user.password_hash, password)) return unauthorized(c, 'wrong username or password')
  // A login starts a new family: the tokens rotated from this one share it, and end with it.
  const refreshToken = await issueRefreshToken(username, crypto.randomUUID())
  return c.json({ accessToken: issueAccessToken(username), refreshToken })
})

app.post('/refresh', async (c) => {
  const { refreshToken } = await c.req.json().catch(() => ({}))
  if (typeof refreshToken !== 'string') return unauthorized(c, 'send { "refreshToken": "..." }')
  const tokenHash = await sha256(refreshToken)
  const row = db.get<{ family: string; username: string; expires_at: number | null; revoked: number }>(
    'SELECT family, username, expires_at, revoked FROM refresh_tokens WHERE token_hash = ?',
    [tokenHash],
  )
  if (!row || row.revoked) return unauthorized(c, 'this refresh token is not valid: sign in again')
  // Fail closed: anything but a number in the future (NULL, text) is expired.
  if (!(typeof row.expires_at === 'number' && row.expires_at > clock.now())) return unauthorized(c, 'this refresh token has expired')

  // A refresh token works once. The guard (used = 0) lets only one of two racing requests win.
  const { changes } = db.run('UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0', [tokenHash])
  if (changes === 0) {
    // A spent token came back: the owner or a thief replays it, and nobody can tell which. End the family.
    db.run('UPDATE refresh_tokens SET revoked = 1 WHERE family = ?', [row.family])
    return unauthorized(c, 'this refresh token was already used, so every session from that login has ended: sign in again')
  }
  const next = await issueRefreshToken(row.username, row.family)
  return c.json({ accessToken: issueAccessToken(row.username), refreshToken: next })
})

app.post('/logout', async (c) => {
  const { refreshToken } = await c.req.json().catch(() => ({}))
  if (typeof refreshToken === 'string') {
    db.run('UPDATE refresh_tokens SET revoked = 1 WHERE family = (SELECT family FROM refresh_tokens WHERE token_hash = ?)', [
      await sha256(refreshToken),
    ])
  }
  // The same answer for a token that is unknown or already revoked, like RFC 7009's revocation endpoint.
  return c.body(null, 204)
})

app.get('/me', requireAccessToken, (c) => c.json({ username: c.get('username') }))

export default app
