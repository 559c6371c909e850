import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

type PostRow = {
  id: number
  title: string
  created_at: string
  author_id: number
  author_name: string
  comment_count: number
  like_count: number
}

// One query for the whole list, however many posts there are. Comments and likes are counted
// per post first, then joined: joining both tables directly would pair every comment of a post
// with every like of it and multiply the counts. LEFT JOIN keeps the posts that have none, and
// coalesce turns their missing count into 0.
const LIST_POSTS = `
  SELECT p.id, p.title, p.created_at, a.id AS author_id, a.name AS author_name,
    coalesce(c.comment_count, 0) AS comment_count,
    coalesce(l.like_count, 0) AS like_count
  FROM posts p
  JOIN authors a ON a.id = p.author_id
  LEFT JOIN (SELECT post_id, count(*) AS comment_count FROM comments GROUP BY post_id) c ON c.post_id = p.id
  LEFT JOIN (SELECT post_id, count(*) AS like_count FROM likes GROUP BY post_id) l ON l.post_id = p.id
  ORDER BY p.created_at DESC, p.id DESC`

app.get('/posts', (c) => {
  const rows = db.all<PostRow>(LIST_POSTS)
  return c.json(
    rows.map((row) => ({
      id: row.id,
      title: row.title,
      createdAt: row.created_at,
      author: { id: row.author_id, name: row.author_name },
      commentCount: row.comment_count,
      likeCount: row.like_count,
    })),
  )
})

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
