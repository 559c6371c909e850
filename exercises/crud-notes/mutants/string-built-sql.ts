// The note is pasted into the SQL text instead of bound with ?
import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

app.get('/notes', (c) => {
  const notes = db.all('SELECT id, body FROM notes ORDER BY id')
  return c.json(notes)
})

app.get('/notes/:id', (c) => {
  const note = db.get('SELECT id, body FROM notes WHERE id = ?', [c.req.param('id')])
  if (!note) return c.json({ error: 'note not found' }, 404)
  return c.json(note)
})

app.post('/notes', async (c) => {
  const input = await c.req.json().catch(() => ({}))
  const body = typeof input.body === 'string' ? input.body.trim() : ''
  if (body === '') return c.json({ error: 'body is required' }, 400)
  const { lastInsertRowid } = db.run(`INSERT INTO notes (body) VALUES ('${body}')`)
  c.header('Location', `/notes/${lastInsertRowid}`)
  return c.json({ id: lastInsertRowid, body }, 201)
})

app.delete('/notes/:id', (c) => {
  const { changes } = db.run('DELETE FROM notes WHERE id = ?', [c.req.param('id')])
  if (changes === 0) return c.json({ error: 'note not found' }, 404)
  return c.body(null, 204)
})

export default app
