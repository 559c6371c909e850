import { defineChecks } from '../../sandbox-server/grading/index.ts'

export default defineChecks([
  {
    name: 'GET /todos answers 200 and an array of { id, title, done }',
    async run(t) {
      const response = await t.request('GET', '/todos')
      t.expectJson(
        response,
        200,
        [
          { id: 1, title: 'Buy milk', done: false },
          { id: 2, title: 'Learn what an API is', done: true },
        ],
        'listing todos always works; the body should be the todos, with done as true or false',
      )
    },
  },
  {
    name: 'GET /todos/:id answers one todo',
    async run(t) {
      const response = await t.request('GET', '/todos/2')
      t.expectJson(response, 200, { id: 2, title: 'Learn what an API is', done: true }, 'todo 2 exists; the body should be that one todo')
    },
  },
  {
    name: 'GET /todos/:id answers 404 and { error } for an unknown id',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/todos/42')
      t.expectJson(
        response,
        404,
        { error: t.expect.any(String) },
        'there is no todo 42, and the contract says a missing todo is a 404, not a 200 with null; the body should be { "error": "..." } so the client can show why',
      )
    },
  },
  {
    name: 'POST /todos answers 201 and the new todo',
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/todos', { json: { title: 'Water the plants' } })
      t.expectJson(
        response,
        201,
        { id: 3, title: 'Water the plants', done: false },
        'a todo was created, and 201 Created is how the contract says so; the body should be the new todo, not done yet',
      )
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('Water the plants'))
      t.expect(pasted, 'the title showed up inside your SQL text: pass it with ? instead of pasting it in').toEqual([])
      t.state.createdId = response.json.id
    },
  },
  {
    name: 'POST /todos without a title answers 400 and stores nothing',
    hint: 2,
    async run(t) {
      const before = await t.db.count('todos')
      for (const [title, because] of [
        ['', 'a todo needs a title: the client sent bad input, so the answer is 400 Bad Request'],
        ['   ', 'a title of only spaces is blank too (trim it before you check it)'],
      ]) {
        const response = await t.request('POST', '/todos', { json: { title } })
        t.expectJson(response, 400, { error: t.expect.any(String) }, `${because}; the body should be { "error": "..." } explaining what is wrong`)
      }
      const notJson = await t.request('POST', '/todos', { body: 'title=Buy milk', headers: { 'content-type': 'application/json' } })
      t.expectJson(
        notJson,
        400,
        { error: t.expect.any(String) },
        "a body that is not JSON is the client's mistake (400), not a crash (500): c.req.json() throws on it, so catch that",
      )
      const after = await t.db.count('todos')
      t.expect(after, 'a rejected todo must not be stored in the todos table').toEqual(before)
    },
  },
  {
    name: 'A created todo can be fetched at /todos/:id',
    requires: ['POST /todos answers 201 and the new todo'],
    async run(t) {
      const response = await t.request('GET', `/todos/${String(t.state.createdId)}`)
      t.expectJson(
        response,
        200,
        { id: 3, title: 'Water the plants', done: false },
        'the todo was created by the previous check; it should be the todo that POST /todos answered',
      )
    },
  },
])
