import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

// Runs once per app start; IF NOT EXISTS makes the second time free.
db.run('CREATE INDEX IF NOT EXISTS customers_email ON customers (email)')

const LOOKUP_SQL = 'SELECT id, email, name, country FROM customers WHERE email = ?'

app.get('/customers', (c) => {
  const customer = db.get(LOOKUP_SQL, [c.req.query('email') ?? ''])
  return customer ? c.json(customer) : c.json({ error: 'no customer with that email' }, 404)
})

app.get('/explain', (c) => {
  const rows = db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${LOOKUP_SQL}`, [c.req.query('email') ?? ''])
  return c.json({ plan: rows.map((row) => row.detail) })
})

export default app
