import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

// Go set this at the top of the handler, for every method: here it is middleware.
app.use('/settings/*', async (c, next) => {
  c.header('Cache-Control', 'no-store')
  await next()
})

// case http.MethodGet
app.get('/settings/:key', (c) => {
  const key = c.req.param('key')
  const row = db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key])
  if (!row) return c.json({ error: `no setting ${key}` }, 404)
  return c.json({ key, value: row.value })
})

// case http.MethodPut
app.put('/settings/:key', async (c) => {
  const key = c.req.param('key')
  const body = await c.req.json().catch(() => null)
  const value = body !== null && typeof body === 'object' && !Array.isArray(body) ? body.value : undefined
  if (typeof value !== 'string') return c.json({ error: 'body must be {"value": "..."}' }, 400)

  const { changes } = db.run('UPDATE settings SET value = ? WHERE key = ?', [value, key])
  if (changes === 0) {
    db.run('INSERT INTO settings (key, value) VALUES (?, ?)', [key, value])
    c.header('Location', `/settings/${key}`)
    return c.json({ key, value }, 201)
  }
  return c.json({ key, value })
})

// case http.MethodDelete
app.delete('/settings/:key', (c) => {
  const key = c.req.param('key')
  const { changes } = db.run('DELETE FROM settings WHERE key = ?', [key])
  if (changes === 0) return c.json({ error: `no setting ${key}` }, 404)
  return c.body(null, 204)
})

// default: any other method on the same path
app.all('/settings/:key', (c) => {
  c.header('Allow', 'GET, PUT, DELETE')
  return c.json({ error: 'method not allowed' }, 405)
})

export default app
