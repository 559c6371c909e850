import { Hono } from 'hono'
import { db } from 'sandbox'

// articles(id INTEGER PRIMARY KEY, title TEXT, published_at TEXT): 200 rows, newest first by
// published_at, then id.
const app = new Hono()

// Answer one page of articles, newest first: GET /articles?page=2&pageSize=5 answers
//   { "page": 2, "pageSize": 5, "total": 200, "totalPages": 40, "items": [...5 articles] }
// - page defaults to 1 and pageSize to 20
// - page must be a whole number of at least 1, pageSize a whole number from 1 to 100:
//   anything else is a 400 with { error }
// - a page after the last one answers 200 with no items
// Let the database do the work: LIMIT ? OFFSET ? with bound values, and SELECT count(*).
app.get('/articles', (c) => {
  const items = db.all('SELECT id, title, published_at FROM articles ORDER BY published_at DESC, id DESC')
  return c.json({ items })
})

export default app
