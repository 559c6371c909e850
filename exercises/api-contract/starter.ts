import { Hono } from 'hono'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { db } from 'sandbox'

// The Tasks API that the frontend team builds its screens on. The contract:
//   GET  /tasks       -> 200 Task[]
//   GET  /tasks/{id}  -> 200 Task, or 404 Error
//   POST /tasks       -> 201 Task from a NewTask body, or 400 Error when the body is not a NewTask
//   GET  /openapi.json -> this contract as an OpenAPI 3.1 document, generated from the schemas below
// tasks(id INTEGER PRIMARY KEY, title TEXT, priority TEXT 'low'|'normal'|'high', done INTEGER 0/1)
const app = new Hono()

const Priority = Type.Union([Type.Literal('low'), Type.Literal('normal'), Type.Literal('high')])

// What the API answers: every field always present, nothing else.
const Task = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String({ minLength: 1, maxLength: 100 }),
    priority: Priority,
    done: Type.Boolean(),
  },
  { additionalProperties: false },
)

const ErrorBody = Type.Object({ error: Type.String() })

// TODO: NewTask, what a client may send to POST /tasks: a title of 1 to 100 characters, an
// optional priority (it defaults to 'normal'), and no other fields.

type TaskRow = { id: number; title: string; priority: Static<typeof Priority>; done: number }
const toTask = (row: TaskRow): Static<typeof Task> => ({ ...row, done: row.done === 1 })

// Written by hand months ago, and it has drifted from the code: the field is called "title"
// now, POST /tasks is missing, and nothing says what an error looks like. Replace it with a
// document built from Task, NewTask and ErrorBody (under components.schemas, named Task,
// NewTask and Error), so it can never drift again.
const openapi = {
  openapi: '3.1.0',
  info: { title: 'Tasks API', version: '0.1.0' },
  paths: {
    '/tasks': {
      get: {
        responses: {
          '200': {
            description: 'The tasks',
            content: {
              'application/json': {
                schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  },
}

app.get('/openapi.json', (c) => c.json(openapi))

app.get('/tasks', (c) => {
  const rows = db.all<TaskRow>('SELECT id, title, priority, done FROM tasks ORDER BY id')
  return c.json(rows.map(toTask))
})

app.get('/tasks/:id', (c) => {
  const row = db.get<TaskRow>('SELECT id, title, priority, done FROM tasks WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'task not found' }, 404)
  return c.json(toTask(row))
})

// Checks only that there is a title. Validate the body against NewTask instead (Value.Check).
app.post('/tasks', async (c) => {
  const body = await c.req.json().catch(() => ({}))
  if (!body.title) return c.json({ error: 'title is required' }, 400)
  const priority = body.priority ?? 'normal'
  const { lastInsertRowid } = db.run('INSERT INTO tasks (title, priority) VALUES (?, ?)', [body.title, priority])
  return c.json({ id: lastInsertRowid, title: body.title, priority, done: false }, 201)
})

export default app
