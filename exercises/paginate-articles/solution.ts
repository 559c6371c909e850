import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

/** The query value as a whole number within [min, max], its default when absent, or null. */
function wholeNumber(text: string | undefined, fallback: number, min: number, max: number): number | null {
  if (text === undefined) return fallback
  const value = Number(text)
  return Number.isInteger(value) && value >= min && value <= max ? value : null
}

app.get('/articles', (c) => {
  const page = wholeNumber(c.req.query('page'), 1, 1, Number.MAX_SAFE_INTEGER)
  const pageSize = wholeNumber(c.req.query('pageSize'), 20, 1, 100)
  if (page === null) return c.json({ error: 'page must be a whole number of at least 1' }, 400)
  if (pageSize === null) return c.json({ error: 'pageSize must be a whole number from 1 to 100' }, 400)

  const { total } = db.get<{ total: number }>('SELECT count(*) AS total FROM articles')!
  const items = db.all('SELECT id, title, published_at FROM articles ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?', [
    pageSize,
    (page - 1) * pageSize,
  ])
  return c.json({ page, pageSize, total, totalPages: Math.ceil(total / pageSize), items })
})

export default app
