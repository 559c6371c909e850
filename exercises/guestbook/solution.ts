import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

app.post('/entries', async (c) => {
  const { name, message } = await c.req.json()
  const { lastInsertRowid } = db.run('INSERT INTO entries (name, message) VALUES (?, ?)', [name, message])
  return c.json({ id: lastInsertRowid, name, message }, 201)
})

app.get('/entries', (c) => {
  const entries = db.all('SELECT id, name, message FROM entries ORDER BY id')
  return c.json(entries)
})

export default app
