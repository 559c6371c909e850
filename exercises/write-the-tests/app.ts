import { Hono } from 'hono'
import { db } from 'sandbox'

/**
 * The sign-up API a teammate wrote. It works: do not change it. Your job is to write the
 * tests that prove it, and that would fail if someone broke it later.
 *
 * POST /users  { "email": "...", "name": "..." }
 *   201 and the new user { id, email, name }, with a Location: /users/<id> header
 *   400 { error } when the email has no @, or the name is blank (empty or only spaces)
 *   409 { error } when that email is taken; emails are stored and compared in lowercase
 *
 * GET /users/:id
 *   200 and the user { id, email, name }, or 404 { error } when there is none
 *
 * The database starts with one user: 1, grace@example.com, Grace Hopper.
 */
const app = new Hono()

app.post('/users', async (c) => {
  const body = await c.req.json().catch(() => null)
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : ''
  const name = typeof body?.name === 'string' ? body.name.trim() : ''
  if (!email.includes('@')) return c.json({ error: 'email must be an email address' }, 400)
  if (name === '') return c.json({ error: 'name must not be blank' }, 400)
  if (db.get('SELECT id FROM users WHERE email = ?', [email])) {
    return c.json({ error: 'a user with this email already exists' }, 409)
  }
  const { lastInsertRowid: id } = db.run('INSERT INTO users (email, name) VALUES (?, ?)', [email, name])
  c.header('Location', `/users/${id}`)
  return c.json({ id, email, name }, 201)
})

app.get('/users/:id', (c) => {
  const user = db.get('SELECT id, email, name FROM users WHERE id = ?', [c.req.param('id')])
  if (!user) return c.json({ error: 'no such user' }, 404)
  return c.json(user)
})

export default app
