import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

// users(id, username, password_hash)
// refresh_tokens(id, token_hash UNIQUE, family, username, expires_at, used 0/1, revoked 0/1)
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

const requireAccessToken = createMiddleware<{ Variables: { username: string } }>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const username = header.startsWith('Bearer ') ? readAccessToken(header.slice('Bearer '.length)) : undefined
  if (!username) return unauthorized(c, 'a valid access token is required')
  c.set('username', username)
  await next()
})

// Answers { accessToken, refreshToken }. The access token lasts 10 minutes, the refresh token 7 days.
app.post('/login', async (c) => {
  const { username, password } = await c.req.json()
  const user = db.get<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = ?', [username])
  if (!user || !crypto.verifyPassword(user.password_hash, password)) return unauthorized(c, 'wrong username or password')
  const refreshToken = crypto.randomToken()
  // TODO: store sha256(refreshToken), never the token itself.
  db.run('INSERT INTO refresh_tokens (token_hash, family, username, expires_at) VALUES (?, ?, ?, ?)', [
    refreshToken,
    crypto.randomUUID(),
    username,
    clock.now() + REFRESH_LIFETIME_MS,
  ])
  return c.json({ accessToken: issueAccessToken(username), refreshToken })
})

// Exchanges { refreshToken } for a new pair. This first version hands out access tokens for as
// long as the refresh token exists: forever, and to anyone who copied it. Make it:
// - refuse (401) a token that is unknown, expired (no expiry counts as expired) or revoked;
// - rotate: mark the token used and answer a new refresh token in the same family;
// - when a used token comes back, revoke its whole family and answer 401.
app.post('/refresh', async (c) => {
  const { refreshToken } = await c.req.json()
  const row = db.get<{ username: string }>('SELECT username FROM refresh_tokens WHERE token_hash = ?', [refreshToken])
  if (!row) return unauthorized(c, 'this refresh token is not valid')
  return c.json({ accessToken: issueAccessToken(row.username), refreshToken })
})

// Logs out { refreshToken }: revoke its family, so no token from that login works again. Answer 204.
app.post('/logout', async (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

// Who the access token belongs to: done for you.
app.get('/me', requireAccessToken, (c) => c.json({ username: c.get('username') }))

export default app
