import { Hono } from 'hono'
import { db } from 'sandbox'

// books(id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)
//
// Version 1, which existing clients use and which must keep working exactly as it is:
//   GET /v1/books                   200 [{ id, title, author, year }, ...] ordered by id
//   ?author=Frank%20Herbert         only that author's books
//   ?sort=year or ?sort=-year       sorted by that field, ascending, or descending with a "-"
//   the fields you can sort by: title, author, year. Anything else answers 400 problem+json
//   (Content-Type: application/problem+json, { type, title, status, detail }) and its detail
//   names the fields that are allowed.
//
// Version 2, for new clients: the same filter and sort, a new shape, and year renamed:
//   GET /v2/books   200 { "data": [{ id, title, author, publishedYear }, ...], "count": 7 }
//   the fields you can sort by: title, author, publishedYear (so ?sort=-publishedYear).
const app = new Hono()

app.get('/v1/books', (c) => {
  const author = c.req.query('author')
  const sort = c.req.query('sort') ?? 'id'
  const where = author ? 'WHERE author = ?' : ''
  // DANGER: this pastes whatever the client sent into the SQL. ?sort=year happens to work,
  // but so does any SQL a client cares to write. Use an allow-list instead.
  const rows = db.all(`SELECT id, title, author, year FROM books ${where} ORDER BY ${sort}`, author ? [author] : [])
  return c.json(rows)
})

// TODO: GET /v2/books

export default app
