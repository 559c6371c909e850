// Hono docs, Guides > Validation (https://hono.dev/docs/guides/validation): validator() for
// form, json, query and header targets, with c.req.valid().
import { Hono } from 'hono'
import { validator } from 'hono/validator'

const app = new Hono()

app.post(
  '/posts',
  validator('form', (value, c) => {
    const body = value['body']
    if (!body || typeof body !== 'string') return c.text('Invalid!', 400)
    return { body }
  }),
  (c) => {
    const { body } = c.req.valid('form')
    return c.json({ message: 'Created!', body }, 201)
  },
)

app.post(
  '/json',
  validator('json', (value, c) => {
    if (typeof value?.title !== 'string') return c.json({ error: 'title must be a string' }, 400)
    return value as { title: string }
  }),
  (c) => c.json({ title: c.req.valid('json').title.toUpperCase() }),
)

app.get(
  '/list',
  validator('query', (value, c) => {
    const page = Number(value['page'] ?? '1')
    if (!Number.isInteger(page) || page < 1) return c.json({ error: 'page must be a positive integer' }, 400)
    return { page }
  }),
  (c) => c.json({ page: c.req.valid('query').page }),
)

app.get(
  '/idempotent',
  validator('header', (value, c) => {
    const key = value['idempotency-key']
    if (!key) return c.text('Idempotency-Key is required', 400)
    return { key }
  }),
  (c) => c.text(`key ${c.req.valid('header').key}`),
)

export default app

export const requests = [
  { name: 'a valid form', method: 'POST', path: '/posts', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'body=Hello' },
  { name: 'an invalid form', method: 'POST', path: '/posts', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'other=1' },
  { name: 'valid JSON', method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"title":"hono"}' },
  { name: 'invalid JSON field', method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"title":1}' },
  { name: 'malformed JSON', method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"title":' },
  { name: 'JSON without its content type', method: 'POST', path: '/json', body: '{"title":"hono"}' },
  { name: 'a valid query', path: '/list?page=3' },
  { name: 'an invalid query', path: '/list?page=zero' },
  { name: 'a required header, missing', path: '/idempotent' },
  { name: 'a required header, present', path: '/idempotent', headers: { 'idempotency-key': 'abc' } },
]
