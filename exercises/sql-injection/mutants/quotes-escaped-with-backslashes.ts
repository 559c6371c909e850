// Quotes escaped with a backslash, as MySQL habits suggest; SQLite does not treat \ as an escape
import { Hono } from 'hono'
import { db, log } from 'sandbox'

const app = new Hono()

app.get('/users', (c) => {
  const name = c.req.query('name') ?? ''
  log.info('search', { name })
  const users = db.all(`SELECT id, name, surname, city FROM users WHERE name = '${name.replaceAll("'", "\\'")}' ORDER BY id`)
  return c.json(users)
})

export default app
