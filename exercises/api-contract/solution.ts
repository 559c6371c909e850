import { Hono } from 'hono'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { db } from 'sandbox'

const app = new Hono()

// One source of truth: these schemas validate requests AND are published in /openapi.json.
const Priority = Type.Union([Type.Literal('low'), Type.Literal('normal'), Type.Literal('high')])

const Task = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String({ minLength: 1, maxLength: 100 }),
    priority: Priority,
    done: Type.Boolean(),
  },
  { additionalProperties: false },
)

const NewTask = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
)

const ErrorBody = Type.Object({ error: Type.String() })

type TaskRow = { id: number; title: string; priority: Static<typeof Priority>; done: number }
const toTask = (row: TaskRow): Static<typeof Task> => ({ ...row, done: row.done === 1 })

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonContent = (schema: object) => ({ content: { 'application/json': { schema } } })

const openapi = {
  openapi: '3.1.0',
  info: { title: 'Tasks API', version: '1.0.0' },
  paths: {
    '/tasks': {
      get: {
        summary: 'List every task',
        responses: {
          '200': { description: 'The tasks', ...jsonContent({ type: 'array', items: ref('Task') }) },
        },
      },
      post: {
        summary: 'Create a task',
        requestBody: { required: true, ...jsonContent(ref('NewTask')) },
        responses: {
          '201': { description: 'The new task', ...jsonContent(ref('Task')) },
          '400': { description: 'The body does not match NewTask', ...jsonContent(ref('Error')) },
        },
      },
    },
    '/tasks/{id}': {
      get: {
        summary: 'One task',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: {
          '200': { description: 'The task', ...jsonContent(ref('Task')) },
          '404': { description: 'No task with that id', ...jsonContent(ref('Error')) },
        },
      },
    },
  },
  // TypeBox schemas are JSON Schema: JSON.stringify turns them into exactly what OpenAPI wants.
  components: { schemas: { Task, NewTask, Error: ErrorBody } },
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

app.post('/tasks', async (c) => {
  const body: unknown = await c.req.json().catch(() => undefined)
  if (!Value.Check(NewTask, body)) {
    const first = Value.Errors(NewTask, body).First()
    return c.json({ error: first ? `${first.path || 'body'}: ${first.message}` : 'invalid body' }, 400)
  }
  const priority = body.priority ?? 'normal'
  const { lastInsertRowid } = db.run('INSERT INTO tasks (title, priority) VALUES (?, ?)', [body.title, priority])
  return c.json({ id: lastInsertRowid, title: body.title, priority, done: false }, 201)
})

export default app
