import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { db, crypto, clock } from 'sandbox'

// The newsroom's API. users(id, username, password_hash, role), articles(id, title, body).
// Roles: 'reader' may read, 'editor' may also edit, 'admin' may also delete.
type Role = 'admin' | 'editor' | 'reader'
type User = { username: string; role: Role }
type Env = { Variables: { user: User } }

const TOKEN_LIFETIME_MS = 15 * 60 * 1000
// An unknown username is checked against this hash, so that every login costs one hash.
const NO_SUCH_USER = crypto.hashPassword('no such user')
const app = new Hono<Env>()

function issueToken(user: User): string {
  const payload = `${user.username}.${user.role}.${clock.now() + TOKEN_LIFETIME_MS}`
  return `${payload}.${crypto.sign(payload)}`
}

/** The user in a token that is correctly signed and not expired, or null. */
function readToken(token: string): User | null {
  const [username, role, expiresAt, signature] = token.split('.')
  if (!username || !role || !expiresAt || !signature) return null
  if (!crypto.verify(`${username}.${role}.${expiresAt}`, signature)) return null
  // Not `<= now`: a NaN expiry would pass that test and never expire.
  if (!(Number(expiresAt) > clock.now())) return null
  return { username, role: role as Role }
}

app.post('/login', async (c) => {
  const { username, password } = await c.req.json().catch(() => ({}))
  const user = db.get<{ password_hash: string; role: Role }>('SELECT password_hash, role FROM users WHERE username = ?', [String(username)])
  const right = crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, String(password))
  if (!user || !right) {
    return c.json({ error: 'wrong username or password' }, 401)
  }
  return c.json({ token: issueToken({ username, role: user.role }) })
})

// ---- The office network (done for you) ----
// Our one proxy appends the address it saw to X-Forwarded-For, after whatever the client sent:
// only the last entry is true. A client can write anything before it ("10.1.0.5, ...").
const OFFICE_PREFIX = '10.1.'

const onlyFromOffice = createMiddleware<Env>(async (c, next) => {
  const lastHop = (c.req.header('X-Forwarded-For') ?? '').split(',').at(-1)?.trim() ?? ''
  if (!lastHop.startsWith(OFFICE_PREFIX)) return c.json({ error: 'the payroll is only shown inside the office network' }, 403)
  await next()
})

/** Lets a request through only with a valid token (else 401) whose role is allowed (else 403). */
function requireRole(...allowed: Role[]) {
  return createMiddleware<Env>(async (c, next) => {
    const header = c.req.header('Authorization') ?? ''
    const user = header.startsWith('Bearer ') ? readToken(header.slice('Bearer '.length)) : null
    if (!user) {
      c.header('WWW-Authenticate', 'Bearer realm="newsroom"')
      return c.json({ error: 'log in first: send a valid token as "Authorization: Bearer <token>"' }, 401)
    }
    if (!allowed.includes(user.role)) {
      return c.json({ error: `a ${user.role} may not do this` }, 403)
    }
    c.set('user', user)
    await next()
  })
}

app.get('/articles', requireRole('reader', 'editor', 'admin'), (c) => {
  return c.json(db.all('SELECT id, title, body FROM articles ORDER BY id'))
})

app.put('/articles/:id', requireRole('editor', 'admin'), async (c) => {
  const { title, body } = await c.req.json().catch(() => ({}))
  if (typeof title !== 'string' || typeof body !== 'string') {
    return c.json({ error: 'title and body must be text' }, 400)
  }
  const { changes } = db.run('UPDATE articles SET title = ?, body = ? WHERE id = ?', [title, body, c.req.param('id')])
  if (changes === 0) return c.json({ error: 'no such article' }, 404)
  return c.json({ id: Number(c.req.param('id')), title, body })
})

app.delete('/articles/:id', requireRole('admin'), (c) => {
  const { changes } = db.run('DELETE FROM articles WHERE id = ?', [c.req.param('id')])
  if (changes === 0) return c.json({ error: 'no such article' }, 404)
  return c.body(null, 204)
})

// Admins only, and only from the office.
app.get('/payroll', requireRole('admin'), onlyFromOffice, (c) => {
  return c.json(db.all('SELECT username, monthly_cents FROM salaries ORDER BY username'))
})

export default app
