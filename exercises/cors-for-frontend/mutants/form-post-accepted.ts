// CORS is configured, but a text/plain form post from another site still creates a row
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { db } from 'sandbox'

const app = new Hono()

// Only the frontend's origin, with its cookie; only what the API really has.
app.use(
  '*',
  cors({
    origin: 'https://app.example.com',
    credentials: true,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization'],
    exposeHeaders: ['X-Total-Count'],
    maxAge: 600,
  }),
)

// A form on any website can POST here without asking first (a "simple" request: text/plain,
// no preflight), and the browser sends the user's cookie along. CORS only hides the answer; the
// row would be created. Bodies must be JSON, which a cross-site page cannot send without a
// preflight, and the preflight only lets https://app.example.com through.
app.use('*', async (c, next) => {
  const hasBody = c.req.method === 'POST' || c.req.method === 'PATCH'
  if (hasBody && c.req.header('content-type') === undefined) {
    return c.json({ error: 'send the body as JSON, with Content-Type: application/json' }, 415)
  }
  await next()
})

app.get('/projects', (c) => {
  const projects = db.all('SELECT id, name FROM projects ORDER BY id')
  c.header('X-Total-Count', String(projects.length))
  return c.json(projects)
})

app.post('/projects', async (c) => {
  const { name } = await c.req.json().catch(() => ({}))
  if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name is required' }, 400)
  const { lastInsertRowid } = db.run('INSERT INTO projects (name) VALUES (?)', [name.trim()])
  return c.json({ id: lastInsertRowid, name: name.trim() }, 201)
})

app.patch('/projects/:id', async (c) => {
  const { name } = await c.req.json().catch(() => ({}))
  if (typeof name !== 'string' || name.trim() === '') return c.json({ error: 'name is required' }, 400)
  const { changes } = db.run('UPDATE projects SET name = ? WHERE id = ?', [name.trim(), c.req.param('id')])
  if (changes === 0) return c.json({ error: 'project not found' }, 404)
  return c.json({ id: Number(c.req.param('id')), name: name.trim() })
})

app.delete('/projects/:id', (c) => {
  const { changes } = db.run('DELETE FROM projects WHERE id = ?', [c.req.param('id')])
  if (changes === 0) return c.json({ error: 'project not found' }, 404)
  return c.body(null, 204)
})

export default app
