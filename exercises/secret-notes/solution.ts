import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

const app = new Hono()

app.post('/notes', async (c) => {
  const { body } = await c.req.json()
  if (typeof body !== 'string' || body === '') return c.json({ error: 'body is required' }, 400)
  const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', [crypto.encrypt(body)])
  return c.json({ id: lastInsertRowid }, 201)
})

app.get('/notes/:id', (c) => {
  const row = db.get<{ id: number; body: string }>('SELECT id, body FROM notes WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'note not found' }, 404)
  return c.json({ id: row.id, body: crypto.decrypt(row.body) })
})

export default app
