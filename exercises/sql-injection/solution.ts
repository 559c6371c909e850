import { Hono } from 'hono'
import { db, log } from 'sandbox'

const app = new Hono()

app.get('/users', (c) => {
  const name = c.req.query('name') ?? ''
  log.info('search', { name })
  const users = db.all('SELECT id, name, surname, city FROM users WHERE name = ? ORDER BY id', [name])
  return c.json(users)
})

export default app
