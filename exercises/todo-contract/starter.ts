import { Hono } from 'hono'
import { db } from 'sandbox'

// A todo API. The contract (what clients rely on):
//   GET  /todos      -> 200  [{ id, title, done }, ...]
//   GET  /todos/:id  -> 200  { id, title, done }      or 404 { error } for an unknown id
//   POST /todos      -> 201  { id, title, done: false } from { "title": "..." },
//                       or 400 { error } when the title is missing, empty or only spaces
//                       (and nothing is stored)
// `done` is a boolean in JSON; the table stores it as 0 or 1:
//   todos(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)
const app = new Hono()

type TodoRow = { id: number; title: string; done: number }
const toTodo = (row: TodoRow) => ({ id: row.id, title: row.title, done: row.done === 1 })

// Keeps the contract already.
app.get('/todos', (c) => {
  const rows = db.all<TodoRow>('SELECT id, title, done FROM todos ORDER BY id')
  return c.json(rows.map(toTodo))
})

// Breaks the contract: an unknown id gets 200 and null instead of 404 and { error }.
app.get('/todos/:id', (c) => {
  const row = db.get<TodoRow>('SELECT id, title, done FROM todos WHERE id = ?', [c.req.param('id')])
  return c.json(row ? toTodo(row) : null)
})

// Breaks the contract twice: it answers 200 instead of 201, and it stores a todo without a title.
app.post('/todos', async (c) => {
  const { title } = await c.req.json()
  const { lastInsertRowid } = db.run('INSERT INTO todos (title) VALUES (?)', [title ?? ''])
  return c.json({ id: lastInsertRowid, title, done: false })
})

export default app
