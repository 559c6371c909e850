import { Hono, type Context } from 'hono'
import { db } from 'sandbox'

type Book = { id: number; title: string; author: string; year: number }

/** The public names a client may sort by, and the column each one means. Nothing else reaches SQL. */
const SORTABLE_V1: Record<string, string> = { title: 'title', author: 'author', year: 'year' }
const SORTABLE_V2: Record<string, string> = { title: 'title', author: 'author', publishedYear: 'year' }

/** RFC 9457: a title of our own goes with a type of our own (about:blank would mean "Bad Request"). */
function problem(c: Context, status: 400, title: string, detail: string) {
  return c.json({ type: 'https://books.example/problems/invalid-sort', title, status, detail }, status, {
    'Content-Type': 'application/problem+json',
  })
}

/** The books matching ?author, ordered by ?sort; or a 400 problem for a field not in `sortable`. */
function findBooks(c: Context, sortable: Record<string, string>) {
  const author = c.req.query('author')
  const sort = c.req.query('sort')
  let orderBy = 'id'
  if (sort !== undefined) {
    const descending = sort.startsWith('-')
    const field = descending ? sort.slice(1) : sort
    if (!Object.hasOwn(sortable, field)) {
      const allowed = Object.keys(sortable).join(', ')
      return problem(c, 400, 'Invalid sort field', `Cannot sort by "${field}". Sort by one of: ${allowed}; add "-" in front for descending order.`)
    }
    orderBy = `${sortable[field]} ${descending ? 'DESC' : 'ASC'}, id`
  }
  // Values are bound with ?; the ORDER BY comes only from our own strings above.
  return author === undefined
    ? db.all<Book>(`SELECT id, title, author, year FROM books ORDER BY ${orderBy}`)
    : db.all<Book>(`SELECT id, title, author, year FROM books WHERE author = ? ORDER BY ${orderBy}`, [author])
}

const v1 = new Hono()
v1.get('/books', (c) => {
  const books = findBooks(c, SORTABLE_V1)
  if (books instanceof Response) return books
  return c.json(books)
})

const v2 = new Hono()
v2.get('/books', (c) => {
  const books = findBooks(c, SORTABLE_V2)
  if (books instanceof Response) return books
  const data = books.map(({ year, ...book }) => ({ ...book, publishedYear: year }))
  return c.json({ data, count: data.length })
})

const app = new Hono()
app.route('/v1', v1)
app.route('/v2', v2)

export default app
