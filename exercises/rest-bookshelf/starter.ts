import { Hono } from 'hono'
import { db } from 'sandbox'

// A bookshelf API. books(id INTEGER PRIMARY KEY, isbn TEXT NOT NULL UNIQUE, title TEXT NOT NULL, author TEXT NOT NULL)
// The contract:
//   GET    /books      200 [{ id, isbn, title, author }, ...]
//   GET    /books/:id  200 { id, isbn, title, author }
//   POST   /books      201 the new book, with a Location header: /books/<its id>
//   DELETE /books/:id  204 and no body
// Every error is a problem+json answer (RFC 9457), with Content-Type: application/problem+json:
//   { "type": "...", "title": "...", "status": 404, "detail": "..." }
//   400 when isbn, title or author is missing or empty
//   404 when there is no book with that id
//   409 when a book with that ISBN is already on the shelf
const app = new Hono()

type Book = { id: number; isbn: string; title: string; author: string }

// Keeps the contract already.
app.get('/books', (c) => {
  return c.json(db.all<Book>('SELECT id, isbn, title, author FROM books ORDER BY id'))
})

// The error is plain JSON, not a problem+json answer.
app.get('/books/:id', (c) => {
  const book = db.get<Book>('SELECT id, isbn, title, author FROM books WHERE id = ?', [c.req.param('id')])
  if (!book) return c.json({ error: 'not found' }, 404)
  return c.json(book)
})

// Answers 200 without a Location, and crashes (500) on a missing title or a duplicate ISBN.
app.post('/books', async (c) => {
  const { isbn, title, author } = await c.req.json()
  const { lastInsertRowid } = db.run('INSERT INTO books (isbn, title, author) VALUES (?, ?, ?)', [isbn, title, author])
  return c.json({ id: lastInsertRowid, isbn, title, author })
})

// Answers 200 with a body, even when there was nothing to delete.
app.delete('/books/:id', (c) => {
  const { changes } = db.run('DELETE FROM books WHERE id = ?', [c.req.param('id')])
  return c.json({ deleted: changes })
})

export default app
