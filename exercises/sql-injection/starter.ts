import { Hono } from 'hono'
import { db, log } from 'sandbox'

// users(id, name, surname, city, api_key): a team directory. The api_key column is secret.
const app = new Hono()

// Search the directory by first name: GET /users?name=Grace answers
//   [{ "id": 2, "name": "Grace", "surname": "Hopper", "city": "New York" }, ...]
//
// This works for ordinary names, but it pastes the name into the SQL text. Try it from the
// request console first:   GET /users?name=' OR '1'='1
// then read the SQL in the log line. Once you have seen every row (and worse, with a UNION),
// fix it: keep the SQL text fixed and pass the name as a bound parameter.
app.get('/users', (c) => {
  const name = c.req.query('name') ?? ''
  const sql = `SELECT id, name, surname, city FROM users WHERE name = '${name}'`
  log.info('search', { sql })
  return c.json(db.all(sql))
})

export default app
