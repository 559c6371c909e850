import { Hono } from 'hono'
import { db } from 'sandbox'

// A blog's API. authors(id, name), posts(id, author_id, title, created_at),
// comments(id, post_id, body), likes(id, post_id, reader)
// The contract:
//   GET  /posts               200 every post, newest first (created_at, then id, descending):
//                             [{ id, title, createdAt, author: { id, name }, commentCount, likeCount }, ...]
//   POST /posts               { authorId, title }  201 { id }
//   POST /posts/:id/comments  { body }             201 { id }
const app = new Hono()

type Post = { id: number; author_id: number; title: string; created_at: string }

// The answer is right, but it is the N+1 pattern: one query for the list, then three more for
// every post (its author, its comments, its likes). 19 queries for 6 posts; 301 for 100.
app.get('/posts', (c) => {
  const posts = db.all<Post>('SELECT id, author_id, title, created_at FROM posts ORDER BY created_at DESC, id DESC')
  return c.json(
    posts.map((post) => {
      const author = db.get<{ id: number; name: string }>('SELECT id, name FROM authors WHERE id = ?', [post.author_id])
      const comments = db.get<{ n: number }>('SELECT count(*) AS n FROM comments WHERE post_id = ?', [post.id])
      const likes = db.get<{ n: number }>('SELECT count(*) AS n FROM likes WHERE post_id = ?', [post.id])
      return { id: post.id, title: post.title, createdAt: post.created_at, author, commentCount: comments?.n ?? 0, likeCount: likes?.n ?? 0 }
    }),
  )
})

// These two work already: the checks use them to add posts and comments.
app.post('/posts', async (c) => {
  const { authorId, title } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(authorId) || typeof title !== 'string' || title.trim() === '') {
    return c.json({ error: 'send { authorId, title }' }, 400)
  }
  if (!db.get('SELECT id FROM authors WHERE id = ?', [authorId])) return c.json({ error: 'no such author' }, 404)
  const { lastInsertRowid: id } = db.run('INSERT INTO posts (author_id, title, created_at) VALUES (?, ?, ?)', [
    authorId,
    title,
    new Date().toISOString(),
  ])
  return c.json({ id }, 201)
})

app.post('/posts/:id/comments', async (c) => {
  const { body } = await c.req.json().catch(() => ({}))
  if (typeof body !== 'string' || body.trim() === '') return c.json({ error: 'send { body }' }, 400)
  if (!db.get('SELECT id FROM posts WHERE id = ?', [c.req.param('id')])) return c.json({ error: 'no such post' }, 404)
  const { lastInsertRowid: id } = db.run('INSERT INTO comments (post_id, body) VALUES (?, ?)', [c.req.param('id'), body])
  return c.json({ id }, 201)
})

export default app
