import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { db } from 'sandbox'

// The projects API lives at https://api.example.com. The frontend team's single-page app runs
// at https://app.example.com and calls it with fetch(..., { credentials: 'include' }) so the
// login cookie goes along. The browser refuses to hand the answers to that app until CORS
// allows it.
//
// Someone made the browser errors go away with cors() and its defaults: every origin (*), every
// method, every header. Configure it for exactly what the frontend needs:
// - only the origin https://app.example.com, with credentials (the cookie)
// - the methods this API has: GET, POST, PATCH, DELETE
// - the request headers the app sends: Content-Type and Authorization
// - let the app read the X-Total-Count response header
// - browsers may remember a preflight answer for 600 seconds
// And one thing CORS cannot do: a form on any website can POST here as text/plain without a
// preflight, with the user's cookie. Refuse POST and PATCH bodies that are not
// Content-Type: application/json with 415, so such a request changes nothing.
const app = new Hono()

app.use('*', cors())

// TODO: a middleware that answers 415 to a POST or PATCH without Content-Type: application/json.

// The routes are done: only CORS needs work.
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
