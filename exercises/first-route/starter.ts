import { Hono } from 'hono'

// Your first server. Each app.get(path, handler) is a route: when a GET request for that path
// arrives, Hono runs the handler, and whatever it returns is the answer.
const app = new Hono()

// GET /hello should answer the JSON { "message": "Hello, world" }.
// Right now it answers plain text, which a JavaScript client cannot read as an object.
app.get('/hello', (c) => {
  return c.text('Hello, world')
})

// TODO: GET /hello/:name answers { "message": "Hello, <name>" }, e.g. /hello/Ada -> "Hello, Ada".

export default app
