import { Hono } from 'hono'
import { db } from 'sandbox'

// A notes API. The `notes` table already exists: notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)
const app = new Hono()

// Read all notes: done for you.
app.get('/notes', (c) => {
  const notes = db.all('SELECT id, body FROM notes ORDER BY id')
  return c.json(notes)
})

// Read one note: answer 404 with { error } when there is no such note.
app.get('/notes/:id', (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

// Create a note from a JSON body { body: "..." }: answer 201 with the new note and a Location header.
// An empty or missing body is a 400.
app.post('/notes', async (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

// Delete a note: 204 with no body, or 404 when there is no such note.
app.delete('/notes/:id', (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

export default app
