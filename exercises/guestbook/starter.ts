import { Hono } from 'hono'
import { db } from 'sandbox'

// A guestbook. The table already exists:
//   entries(id INTEGER PRIMARY KEY, name TEXT NOT NULL, message TEXT NOT NULL)
const app = new Hono()

// Sign the guestbook with { "name": "...", "message": "..." }.
// It answers 201, but nothing is saved yet: the entry is forgotten as soon as the answer is sent.
app.post('/entries', async (c) => {
  const { name, message } = await c.req.json()
  // TODO: store the entry with db.run(...) and answer it with its new id
  return c.json({ name, message }, 201)
})

// List every entry, oldest first, as [{ id, name, message }, ...].
app.get('/entries', (c) => {
  // TODO: read the rows with db.all(...)
  return c.json([])
})

export default app
