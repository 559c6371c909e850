import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

/** Fails with what came back when the body is plain text rather than JSON. */
function expectJson(t: CheckContext, response: CheckResponse, sent: string) {
  if (response.json === undefined) {
    const got = response.text ? `text \`${response.text}\`` : 'an empty body'
    t.fail(`${sent} answered a body that was not JSON (got ${got}): answer with c.json({ message: ... }), not c.text(...)`)
  }
}

export default defineChecks([
  {
    name: 'GET /hello answers 200',
    async run(t) {
      const response = await t.request('GET', '/hello')
      t.expectStatus(response, 200, 'the app has a GET /hello route, so the request succeeded')
    },
  },
  {
    name: 'GET /hello answers with a JSON content-type',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/hello')
      t.expectStatus(response, 200, 'the app has a GET /hello route')
      const contentType = response.headers.get('content-type') ?? '(no content-type)'
      if (!contentType.startsWith('application/json')) {
        t.fail(
          `GET /hello answered with Content-Type: ${contentType}; it should be application/json: it tells the client how to read the body. ` +
            'c.text() sends text/plain; c.json() sends application/json',
        )
      }
    },
  },
  {
    name: 'GET /hello answers { "message": "Hello, world" }',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/hello')
      t.expectStatus(response, 200, 'the app has a GET /hello route')
      expectJson(t, response, 'GET /hello')
      t.expect(response.json, 'the body should be the JSON object { "message": "Hello, world" }').toEqual({ message: 'Hello, world' })
    },
  },
  {
    name: 'GET /hello/Ada answers { "message": "Hello, Ada" }',
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/hello/Ada')
      t.expectStatus(response, 200, 'a route for /hello/:name should match /hello/Ada (404 means no route matched)')
      expectJson(t, response, 'GET /hello/Ada')
      t.expect(response.json, 'the body should greet the name taken from the path').toEqual({ message: 'Hello, Ada' })
    },
  },
  {
    name: 'GET /hello/:name greets any name, not just Ada',
    requires: ['GET /hello/Ada answers { "message": "Hello, Ada" }'],
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/hello/Grace')
      t.expectJson(
        response,
        200,
        { message: 'Hello, Grace' },
        'the /hello/:name route should match every name; the message should use the :name part of the path, read with c.req.param("name")',
      )
    },
  },
])
