import { Hono, type Context } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

type Book = { id: number; isbn: string; title: string; author: string }

/** Every error looks the same (RFC 9457): clients read `status` and `title`, people read `detail`. */
function problem(c: Context, status: 400 | 404 | 409, slug: string, title: string, detail: string) {
  return c.json({ type: `https://bookshelf.example/problems/${slug}`, title, status, detail }, status, { 'Content-Type': 'application/problem+json' })
}

const notFound = (c: Context) => problem(c, 404, 'not-found', 'Book not found', `There is no book with id ${c.req.param('id')}.`)

app.get('/books', (c) => {
  return c.json(db.all<Book>('SELECT id, isbn, title, author FROM books ORDER BY id'))
})

app.get('/books/:id', (c) => {
  const book = db.get<Book>('SELECT id, isbn, title, author FROM books WHERE id = ?', [c.req.param('id')])
  return book ? c.json(book) : notFound(c)
})

app.post('/books', async (c) => {
  const input = await c.req.json().catch(() => ({}))
  const missing = ['isbn', 'title', 'author'].filter((field) => typeof input[field] !== 'string' || input[field].trim() === '')
  if (missing.length > 0) {
    return problem(c, 400, 'invalid-book', 'Invalid book', `These fields must be non-empty strings: ${missing.join(', ')}.`)
  }
  const { isbn, title, author } = input as Omit<Book, 'id'>
  try {
    const { lastInsertRowid: id } = db.run('INSERT INTO books (isbn, title, author) VALUES (?, ?, ?)', [isbn, title, author])
    c.header('Location', `/books/${id}`)
    return c.json({ id, isbn, title, author }, 201)
  } catch (error) {
    // The UNIQUE constraint on isbn is the single source of truth for "already on the shelf".
    if (error instanceof Error && error.message.includes('UNIQUE')) {
      return problem(c, 409, 'duplicate-isbn', 'Book already exists', `A book with ISBN ${isbn} is already on the shelf.`)
    }
    throw error
  }
})

app.delete('/books/:id', (c) => {
  const { changes } = db.run('DELETE FROM books WHERE id = ?', [c.req.param('id')])
  if (changes === 0) return notFound(c)
  return c.body(null, 204)
})

export default app
