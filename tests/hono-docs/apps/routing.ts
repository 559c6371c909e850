// Hono docs, API > Routing (https://hono.dev/docs/api/routing): methods, wildcards, custom
// methods, parameters (optional, regexp, with slashes), chained routes, grouping, base paths.
import { Hono } from 'hono'

const app = new Hono()

app.get('/', (c) => c.text('GET /'))
app.post('/', (c) => c.text('POST /'))
app.put('/', (c) => c.text('PUT /'))
app.delete('/', (c) => c.text('DELETE /'))
app.get('/wild/*/card', (c) => c.text('GET /wild/*/card'))
app.all('/hello', (c) => c.text('Any Method /hello'))
app.on('PURGE', '/cache', (c) => c.text('PURGE Method /cache'))
app.on(['PUT', 'DELETE'], '/post', (c) => c.text('PUT or DELETE /post'))
app.on('GET', ['/greet', '/ja/greet', '/en/greet'], (c) => c.text('Hello'))

app.get('/user/:name', (c) => c.text(`user ${c.req.param('name')}`))
app.get('/posts/:id/comment/:comment_id', (c) => c.json(c.req.param()))
app.get('/api/animal/:type?', (c) => c.text(`Animal! ${c.req.param('type') ?? '(none)'}`))
app.get('/post/:date{[0-9]+}/:title{[a-z]+}', (c) => c.json(c.req.param()))
app.get('/files/:filename{.+\\.png}', (c) => c.text(`png ${c.req.param('filename')}`))

app
  .get('/endpoint', (c) => c.text('GET /endpoint'))
  .post((c) => c.text('POST /endpoint'))
  .delete((c) => c.text('DELETE /endpoint'))

const book = new Hono()
book.get('/', (c) => c.text('List Books'))
book.get('/:id', (c) => c.text(`Get Book: ${c.req.param('id')}`))
book.post('/', (c) => c.text('Create Book'))
app.route('/book', book)

const api = new Hono().basePath('/api')
api.get('/book', (c) => c.text('List Books under /api'))
app.route('/', api)

export default app

export const requests = [
  { name: 'GET /', path: '/' },
  { name: 'POST /', method: 'POST', path: '/' },
  { name: 'PUT /', method: 'PUT', path: '/' },
  { name: 'DELETE /', method: 'DELETE', path: '/' },
  { name: 'wildcard in the middle', path: '/wild/anything/card' },
  { name: 'app.all answers PATCH', method: 'PATCH', path: '/hello' },
  { name: 'custom method PURGE', method: 'PURGE', path: '/cache' },
  { name: 'multiple methods', method: 'DELETE', path: '/post' },
  { name: 'multiple paths', path: '/ja/greet' },
  { name: 'path parameter, percent-encoded', path: '/user/J%C3%BCrgen%20M' },
  { name: 'all parameters at once', path: '/posts/12/comment/34' },
  { name: 'optional parameter absent', path: '/api/animal' },
  { name: 'optional parameter present', path: '/api/animal/cat' },
  { name: 'regexp parameters', path: '/post/20241202/hello' },
  { name: 'regexp that does not match is 404', path: '/post/today/hello' },
  { name: 'parameter including slashes', path: '/files/a/b/c.png' },
  { name: 'chained route, POST', method: 'POST', path: '/endpoint' },
  { name: 'grouped routes', path: '/book/42' },
  { name: 'base path', path: '/api/book' },
  { name: 'method not routed is 404', method: 'PATCH', path: '/endpoint' },
  { name: 'HEAD runs the GET route without a body', method: 'HEAD', path: '/user/ann' },
]
