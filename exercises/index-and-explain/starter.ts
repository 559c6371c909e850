import { Hono } from 'hono'
import { db } from 'sandbox'

// customers(id INTEGER PRIMARY KEY, email, name, country): 100,000 rows, no index on email.
const app = new Hono()

// TODO 2: create an index on customers(email) here, once, when the app loads:
//   db.run('CREATE INDEX IF NOT EXISTS ...')

const LOOKUP_SQL = 'SELECT id, email, name, country FROM customers WHERE email = ?'

// The login page and the support tool look customers up by email, all day long.
// GET /customers?email=customer42@example.com -> { id, email, name, country }, or 404.
app.get('/customers', (c) => {
  const customer = db.get(LOOKUP_SQL, [c.req.query('email') ?? ''])
  return customer ? c.json(customer) : c.json({ error: 'no customer with that email' }, 404)
})

// TODO 1: GET /explain?email=... -> { plan: ["SCAN customers"] }: run EXPLAIN QUERY PLAN on
// LOOKUP_SQL with that email and answer the `detail` column of each row.
app.get('/explain', (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

export default app
