import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

type TodoRow = { id: number; title: string; done: number }
const toTodo = (row: TodoRow) => ({ id: row.id, title: row.title, done: row.done === 1 })

app.get('/todos', (c) => {
  const rows = db.all<TodoRow>('SELECT id, title, done FROM todos ORDER BY id')
  return c.json(rows.map(toTodo))
})

app.get('/todos/:id', (c) => {
  const row = db.get<TodoRow>('SELECT id, title, done FROM todos WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'todo not found' }, 404)
  return c.json(toTodo(row))
})

app.post('/todos', async (c) => {
  const input = await c.req.json().catch(() => ({}))
  const title = typeof input.title === 'string' ? input.title.trim() : ''
  if (title === '') return c.json({ error: 'title is required' }, 400)
  const { lastInsertRowid } = db.run('INSERT INTO todos (title) VALUES (?)', [title])
  return c.json({ id: lastInsertRowid, title, done: false }, 201)
})

export default app
