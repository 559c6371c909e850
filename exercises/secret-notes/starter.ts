import { Hono } from 'hono'
import { db, crypto } from 'sandbox'

// A private diary. The table: notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)
// Everything works, but notes are stored as plain text: anyone who sees the database
// (a backup, a leaked copy, a curious colleague) can read every diary entry.
const app = new Hono()

// Save a note from { "body": "..." } and answer 201 { id }.
app.post('/notes', async (c) => {
  const { body } = await c.req.json()
  // TODO: store crypto.encrypt(body) instead of body
  const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', [body])
  return c.json({ id: lastInsertRowid }, 201)
})

// Read a note back as { id, body } with the text the user wrote, or 404 { error }.
app.get('/notes/:id', (c) => {
  const row = db.get<{ id: number; body: string }>('SELECT id, body FROM notes WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'note not found' }, 404)
  // TODO: once notes are stored encrypted, decrypt row.body with crypto.decrypt before answering
  return c.json({ id: row.id, body: row.body })
})

export default app
