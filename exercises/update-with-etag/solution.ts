import { Hono, type Context } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

type Page = { id: number; title: string; body: string; version: number }
type PageFields = Pick<Page, 'title' | 'body'>
const FIELDS: string[] = ['title', 'body']

function problem(c: Context, status: 400 | 404 | 412 | 415 | 428, title: string, detail: string) {
  return c.json({ type: 'about:blank', title, status, detail }, status, { 'Content-Type': 'application/problem+json' })
}

const notFound = (c: Context) => problem(c, 404, 'Page not found', `There is no page with id ${c.req.param('id')}.`)
const stale = (c: Context) =>
  problem(c, 412, 'Precondition failed', 'The page changed since your GET: read it again, merge your edit, and send the new ETag in If-Match.')

/** A strong ETag (RFC 9110, 8.8.3): the version in double quotes. Every update changes it. */
const etagOf = (page: Page) => `"${page.version}"`

const findPage = (id: string) => db.get<Page>('SELECT id, title, body, version FROM pages WHERE id = ?', [id])

/** The answer that refuses an update whose If-Match is missing or stale, or undefined to go ahead. */
function preconditionProblem(c: Context, page: Page) {
  const ifMatch = c.req.header('If-Match')
  if (ifMatch === undefined) {
    return problem(c, 428, 'Precondition required', 'Send If-Match with the ETag of your GET, so no change made since is overwritten.')
  }
  if (ifMatch.trim() !== etagOf(page)) return stale(c)
}

/**
 * The page's new title and body, or why the request body is refused. With `current`, the body is
 * a JSON Merge Patch (RFC 7396) of it: a member replaces that field, null removes it, a field
 * left out is kept. Without (PUT), the body is the whole page: every field must be there.
 */
function readFields(input: unknown, current?: PageFields): PageFields | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'The body must be a JSON object.'
  const unknown = Object.keys(input).filter((key) => !FIELDS.includes(key))
  if (unknown.length > 0) return `A page has only title and body; unknown: ${unknown.join(', ')}.`
  const fields: Record<string, unknown> = { ...current, ...input }
  for (const field of FIELDS) {
    const value = fields[field]
    if (typeof value !== 'string' || value.trim() === '') return `${field} must be a non-empty string (it cannot be left out or removed).`
  }
  return fields as PageFields
}

/** Writes the new fields only if the page still has the version the client read, and answers it. */
function savePage(c: Context, page: Page, fields: PageFields) {
  const { changes } = db.run('UPDATE pages SET title = ?, body = ?, version = version + 1 WHERE id = ? AND version = ?', [
    fields.title,
    fields.body,
    page.id,
    page.version,
  ])
  // Another request updated the page between the SELECT and this UPDATE: the client's edit is stale.
  if (changes === 0) return stale(c)
  return c.json({ id: page.id, title: fields.title, body: fields.body, version: page.version + 1 })
}

app.get('/pages/:id', (c) => {
  const page = findPage(c.req.param('id'))
  if (!page) return notFound(c)
  c.header('ETag', etagOf(page))
  return c.json(page)
})

app.put('/pages/:id', async (c) => {
  const page = findPage(c.req.param('id'))
  if (!page) return notFound(c)
  const refused = preconditionProblem(c, page)
  if (refused) return refused
  const input: unknown = await c.req.json().catch(() => undefined)
  const fields = readFields(input)
  if (typeof fields === 'string') return problem(c, 400, 'Invalid page', fields)
  return savePage(c, page, fields)
})

app.patch('/pages/:id', async (c) => {
  const page = findPage(c.req.param('id'))
  if (!page) return notFound(c)
  const mediaType = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/merge-patch+json') {
    c.header('Accept-Patch', 'application/merge-patch+json')
    return problem(c, 415, 'Unsupported patch format', 'Send a JSON Merge Patch (RFC 7396) with Content-Type: application/merge-patch+json.')
  }
  const refused = preconditionProblem(c, page)
  if (refused) return refused
  const input: unknown = await c.req.json().catch(() => undefined)
  const fields = readFields(input, page)
  if (typeof fields === 'string') return problem(c, 400, 'Invalid patch', fields)
  return savePage(c, page, fields)
})

export default app
