// Quotes escaped by hand with replace, which changes only the first one, and the name pasted into the SQL
import { Hono } from 'hono'
import { db, log } from 'sandbox'

const app = new Hono()

app.get('/users', (c) => {
  const name = c.req.query('name') ?? ''
  log.info('search', { name })
  const users = db.all(`SELECT id, name, surname, city FROM users WHERE name = '${name.replace("'", "''")}' ORDER BY id`)
  return c.json(users)
})

export default app
