import { Hono, type Context } from 'hono'
import { db } from 'sandbox'

// A team wiki. pages(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL)
// The contract:
//   GET   /pages/:id  200 { id, title, body, version }, with a strong ETag header: the version in
//                     double quotes, e.g. ETag: "4"
//   PUT   /pages/:id  replaces the page: { "title": "...", "body": "..." }, both required
//   PATCH /pages/:id  changes only the fields it names: a JSON Merge Patch (RFC 7396) sent with
//                     Content-Type: application/merge-patch+json, e.g. { "title": "..." }
//   PUT and PATCH need an If-Match header holding the ETag of the client's GET. They answer 200
//   and the updated page, whose version is one higher (so its ETag changes).
// Every error is a problem+json answer (RFC 9457):
//   400 a body that is not JSON or not an object, a missing or empty title or body (PUT), a field
//       set to null or an unknown field (PATCH)
//   404 no page with that id
//   412 If-Match is not the page's current ETag: someone changed the page since the client's GET
//   415 PATCH with another Content-Type, with an Accept-Patch: application/merge-patch+json header
//   428 PUT or PATCH without If-Match
const app = new Hono()

type Page = { id: number; title: string; body: string; version: number }

function problem(c: Context, status: 400 | 404 | 412 | 415 | 428, title: string, detail: string) {
  return c.json({ type: 'about:blank', title, status, detail }, status, { 'Content-Type': 'application/problem+json' })
}

// Answers the page, but no ETag.
app.get('/pages/:id', (c) => {
  const page = db.get<Page>('SELECT id, title, body, version FROM pages WHERE id = ?', [c.req.param('id')])
  if (!page) return problem(c, 404, 'Page not found', `There is no page with id ${c.req.param('id')}.`)
  return c.json(page)
})

// Last write wins: no If-Match, no version, no validation (a missing title crashes with a 500),
// and an unknown id answers 200.
app.put('/pages/:id', async (c) => {
  const { title, body } = await c.req.json()
  db.run('UPDATE pages SET title = ?, body = ? WHERE id = ?', [title, body, c.req.param('id')])
  return c.json(db.get<Page>('SELECT id, title, body, version FROM pages WHERE id = ?', [c.req.param('id')]))
})

// Not written yet.
app.patch('/pages/:id', (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

export default app
